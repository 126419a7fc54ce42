/*
 * The security server's protocol (Flask's security server interface):
 * object managers ask for decisions, administrators load policies and
 * switch modes. Contexts travel as `user:role:type` strings.
 *   SecRequest    SEC_COMPUTE_AV, SEC_COMPUTE_CREATE, SEC_EXEC, SEC_CHECK_CONTEXT, SEC_NEWROLE,
 *                 SEC_INITIAL_CONTEXT, SEC_NET_CONTEXT, SEC_LOAD_POLICY, SEC_SET_ENFORCE, SEC_GET_ENFORCE,
 *                 SEC_FS_USE (a file system's superblock context), SEC_PM_PROC (PM's word on a process's credentials),
 *                 SEC_SET_BOOL / SEC_GET_BOOL (booleans: setsebool, getsebool), SEC_VALIDATE_TRANS (validatetrans on a relabel)
 *   SecReply      { type: 'SEC_REPLY', status, seqno, ... }
 *   SEC_NOTIFY_*  notification bits sent to every AVC on reload or mode change
 */
import type { Message } from '../../kernel/index.js';

export interface SecComputeAv extends Message { readonly type: 'SEC_COMPUTE_AV'; readonly scontext: string; readonly tcontext: string; readonly tclass: string }
/** `name`: the new object's last path component, for named type_transition rules. */
export interface SecComputeCreate extends Message { readonly type: 'SEC_COMPUTE_CREATE'; readonly scontext: string; readonly tcontext: string; readonly tclass: string; readonly name?: string }
/** An exec's domain transition (execDecision): the new context and the checks the object manager must make. `execcontext`: setexeccon's. */
export interface SecExec extends Message { readonly type: 'SEC_EXEC'; readonly scontext: string; readonly fcontext: string; readonly execcontext?: string }
export interface SecCheckContext extends Message { readonly type: 'SEC_CHECK_CONTEXT'; readonly context: string }
export interface SecNewrole extends Message { readonly type: 'SEC_NEWROLE'; readonly scontext: string; readonly role: string }
/** The context of an initial SID (e.g. `unlabeled`, for files without a label). */
export interface SecInitialContext extends Message { readonly type: 'SEC_INITIAL_CONTEXT'; readonly sid: string }
/**
 * The label of a network object (Linux's security_port_sid, security_node_sid,
 * security_netif_sid): a port by protocol and number, a node by IPv4 address,
 * an interface by name; the policy's portcon/nodecon/netifcon, else the
 * initial SID port/node/netif, else unlabeled.
 */
export interface SecNetContext extends Message {
  readonly type: 'SEC_NET_CONTEXT';
  readonly object: 'port' | 'node' | 'netif';
  readonly protocol?: 'tcp' | 'udp';
  readonly port?: number;
  readonly addr?: number;
  readonly name?: string;
}
/** A file system's superblock context (security_fs_use): its fs_use_* rule, else genfscon for "/", else initial SID `unlabeled`. */
export interface SecFsUse extends Message { readonly type: 'SEC_FS_USE'; readonly fstype: string }
/** From PM only: a process's context and effective uid (context null: it is gone), for the checks of its own calls. */
export interface SecPmProc extends Message { readonly type: 'SEC_PM_PROC'; readonly endpoint: number; readonly pid: number; readonly context: string | null; readonly euid: number }
export interface SecLoadPolicy extends Message { readonly type: 'SEC_LOAD_POLICY'; readonly text: string; readonly path: string }
export interface SecSetEnforce extends Message { readonly type: 'SEC_SET_ENFORCE'; readonly enforcing: boolean }
export interface SecGetEnforce extends Message { readonly type: 'SEC_GET_ENFORCE' }
/** Set booleans and commit them at once (Linux sel_write_bool + sel_commit_bools_write): security:setbool. */
export interface SecSetBool extends Message { readonly type: 'SEC_SET_BOOL'; readonly values: readonly (readonly [string, boolean])[] }
/** security_validate_transition: may an object of tclass go from oldcontext to newcontext, the task being taskcontext? */
export interface SecValidateTrans extends Message { readonly type: 'SEC_VALIDATE_TRANS'; readonly oldcontext: string; readonly newcontext: string; readonly taskcontext: string; readonly tclass: string }
/** The booleans' current values (one name, or all when absent), as reading /sys/fs/selinux/booleans. */
export interface SecGetBool extends Message { readonly type: 'SEC_GET_BOOL'; readonly name?: string }

export type SecRequest =
  | SecComputeAv | SecComputeCreate | SecExec | SecCheckContext | SecNewrole | SecInitialContext
  | SecLoadPolicy | SecSetEnforce | SecGetEnforce | SecNetContext
  | SecFsUse | SecPmProc | SecSetBool | SecGetBool | SecValidateTrans;

export interface SecReply extends Message {
  readonly type: 'SEC_REPLY';
  /** 0 or -errno. */
  readonly status: number;
  /** Policy sequence number: bumped by every load, so an AVC can tell its entries are stale. */
  readonly seqno: number;
  readonly enforcing: boolean;
  /** SEC_COMPUTE_AV: permission names. */
  readonly allowed?: readonly string[];
  readonly auditallow?: readonly string[];
  readonly auditdeny?: readonly string[];
  /** SEC_COMPUTE_AV: the source type is permissive. */
  readonly permissive?: boolean;
  /** SEC_COMPUTE_AV: permissions the TE rules allow but a constraint removed, and where the constraint is (`file:line`). */
  readonly constrained?: readonly string[];
  readonly constraintAt?: string;
  /** SEC_COMPUTE_CREATE, SEC_NEWROLE, SEC_INITIAL_CONTEXT, SEC_FS_USE: the resulting context. */
  readonly context?: string;
  /** SEC_EXEC: whether the domain changes, and the permission checks it needs (execute; transition + entrypoint, or execute_no_trans). */
  readonly transition?: boolean;
  readonly checks?: readonly SecPermCheck[];
  /** SEC_GET_BOOL: name and current value, in the policy's declaration order. */
  readonly booleans?: readonly (readonly [string, boolean])[];
  /** SEC_LOAD_POLICY refused: the compiler's message (file:line:column). */
  readonly error?: string;
}

export interface SecPermCheck { readonly scontext: string; readonly tcontext: string; readonly tclass: string; readonly perm: string }

/** Notification bits from the security server to the object managers that asked it something. */
export const SEC_NOTIFY_RELOAD = 1;
export const SEC_NOTIFY_ENFORCE = 2;
