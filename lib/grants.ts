/*
 * Lending a buffer for one request, as MINIX's libraries do around a call
 * that moves bulk data (libbdev bdev_vrdwt_setup/cleanup, VFS around a
 * file-system request): grant, call, revoke.
 *   grantDirect(grantee, buffer, access)   cpf_grant_direct: a grant id, or -errno
 *   revoke(grant)                          cpf_revoke
 *   lending(grantee, buffer, access, call)  run call(grant) with the buffer granted; revoked after, whatever happens
 */
import { kernelCall, type Endpoint, type KernelCall } from '../kernel/index.js';

export { CPF_READ, CPF_WRITE } from '../kernel/index.js';

type Gen<T> = Generator<KernelCall, T, any>;

export function* grantDirect(grantee: Endpoint, buffer: Uint8Array, access: number): Gen<number> {
  return (yield kernelCall('cpf_grant_direct', { grantee, buffer, access })) as number;
}

export function* revoke(grant: number): Gen<number> {
  return (yield kernelCall('cpf_revoke', { grant })) as number;
}

export function* lending<T>(grantee: Endpoint, buffer: Uint8Array, access: number, call: (grant: number) => Gen<T>): Gen<T | number> {
  const grant = yield* grantDirect(grantee, buffer, access);
  if (grant < 0) return grant;
  try {
    return yield* call(grant);
  } finally {
    yield* revoke(grant);
  }
}
