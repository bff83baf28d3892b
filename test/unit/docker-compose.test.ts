import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  build?: unknown;
  image?: string;
  profiles?: string[];
  ports?: string[];
  container_name?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { resources: { reservations: { devices: Array<{ driver: string; capabilities: string[] }> } } };
}

const compose = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('has postgres, the api, a CPU worker and a GPU worker, and Prometheus only with the monitoring profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'prometheus', 'worker', 'worker-gpu']);
    const withoutProfile = Object.entries(compose.services).filter(([, service]) => service.profiles === undefined).map(([name]) => name);
    expect(withoutProfile.sort()).toEqual(['api', 'postgres', 'worker', 'worker-gpu']);
    expect(compose.services.prometheus.profiles).toEqual(['monitoring']);
  });

  it("mounts a prometheus.yml that scrapes the api's /metrics on the port it listens on", () => {
    const mount = compose.services.prometheus.volumes?.find((volume) => volume.endsWith(':/etc/prometheus/prometheus.yml:ro'));
    expect(mount).toBeDefined();
    const prometheus = parse(fs.readFileSync(path.join(__dirname, '..', '..', mount!.split(':')[0]), 'utf8')) as {
      scrape_configs: Array<{ metrics_path: string; static_configs: Array<{ targets: string[] }> }>;
    };
    expect(prometheus.scrape_configs[0].metrics_path).toBe('/metrics');
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual([`api:${compose.services.api.environment?.PORT}`]);
  });

  it('wires every app service to postgres and the shared store volume, each keeping its own data dir as a separate host would', () => {
    for (const name of ['api', 'worker', 'worker-gpu']) {
      const service = compose.services[name];
      expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(service.environment?.MORPHOSPACE_DATA_DIR).toBe('/data');
      expect(service.environment?.MORPHOSPACE_STORE_DIR).toBe('/store');
      expect(service.volumes).toEqual(['store:/store']);
      expect(service.depends_on?.postgres.condition).toBe('service_healthy');
    }
    expect(compose.services.api.environment?.MORPHOSPACE_IMPORT_ROOTS).toBe('/store/imports');
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'store']);
  });

  it('lets `docker compose up --scale worker=N` start N CPU workers: no fixed name, no published port', () => {
    expect(compose.services.worker.container_name).toBeUndefined();
    expect(compose.services.worker.ports).toBeUndefined();
    expect(compose.services.worker.command?.[0]).toBe('worker');
  });

  it('runs the CLI commands that exist, and reserves an NVIDIA device for the GPU worker', () => {
    expect(compose.services.api.command?.[0]).toBe('serve');
    expect(compose.services['worker-gpu'].command?.[0]).toBe('worker');
    const devices = compose.services['worker-gpu'].deploy?.resources.reservations.devices ?? [];
    expect(devices[0]).toMatchObject({ driver: 'nvidia', capabilities: ['gpu'] });
  });
});
