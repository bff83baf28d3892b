import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum RoleValue {
  READER = 'reader',
  WRITER = 'writer',
  ADMIN = 'admin',
}
registerEnumType(RoleValue, { name: 'Role', description: 'reader < writer < admin' });

@ObjectType()
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => RoleValue)
  role: RoleValue;

  @Field(() => String, { description: 'first characters of the key, to tell keys apart' })
  prefix: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => String, { description: 'the key itself: shown this once, only its hash is stored' })
  key: string;

  @Field(() => ApiKey)
  apiKey: ApiKey;
}
