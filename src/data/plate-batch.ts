/**
 * The batch a plate was imaged in, from its name alone, as the BBBC021 papers derive it: the
 * part before the first '_' ('Week1_22123' -> 'Week1'); a name without '_' is its own batch.
 * The BBBC021 import and the NSCB accuracy both rely on this exact rule.
 */
export function batchOfPlate(plate: string): string {
  const cut = plate.indexOf('_');
  return cut > 0 ? plate.slice(0, cut) : plate;
}
