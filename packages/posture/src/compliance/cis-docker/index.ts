import type { FrameworkSpec } from '../types.js';

// CIS Docker Benchmark v1.6.0, sections 4 (images and build files) and 5 (container runtime).
export const cisDocker: FrameworkSpec = {
  id: 'cis-docker',
  name: 'CIS Docker Benchmark',
  version: '1.6.0',
  metadataIds: ['cis-docker-1.6'],
  references: ['https://www.cisecurity.org/benchmark/docker'],
  controls: [
    { id: '4.1', title: 'Ensure that a user for the container has been created' },
    { id: '4.2', title: 'Ensure that containers use only trusted base images' },
    { id: '4.6', title: 'Ensure that HEALTHCHECK instructions have been added to container images' },
    { id: '4.9', title: 'Ensure that COPY is used instead of ADD in Dockerfiles' },
    { id: '4.10', title: 'Ensure secrets are not stored in Dockerfiles' },
    { id: '4.11', title: 'Ensure only verified packages are installed' },
    { id: '5.3', title: 'Ensure that Linux kernel capabilities are restricted within containers' },
    { id: '5.4', title: 'Ensure that privileged containers are not used' },
    { id: '5.5', title: 'Ensure sensitive host system directories are not mounted on containers' },
    { id: '5.9', title: "Ensure that the host's network namespace is not shared" },
    { id: '5.15', title: "Ensure that the host's process namespace is not shared" },
    { id: '5.16', title: "Ensure that the host's IPC namespace is not shared" },
    { id: '5.31', title: 'Ensure that the Docker socket is not mounted inside any containers' },
  ],
};
