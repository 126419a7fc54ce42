# selinux-su.boot: su, passwd as root, an administrator, setuid (docs/labs/selinux.md).
# The Unix uid and the SELinux identity are separate: su (set-user-ID root,
# run in su_t) gives alice uid 0 but keeps user_u:user_r:user_t, so root's
# shell still may not write /etc/shadow, and passwd, asked by that root to
# set root's password, asks the policy (passwd:passwd, a userspace class)
# and refuses. The administrator (root:sysadm_r:sysadm_t) may. A setuid-root
# program labelled bin_t runs in user_t, where uid 0 has no capability.
#
# Exit status 1: each refused program ends with exit 1 (the `expect status=1`
# lines check that it did), and mksim boot reports every non-zero exit.
#
#   mksim boot examples/selinux-su.boot --audit build/su-audit.log
disk     disk0 create=4M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
clock    mode=tickless
security policy=policy/base.conf mode=enforcing

process init uid=0 context=system_u:system_r:init_t
    mkdir /etc
    setfilecon /etc system_u:object_r:etc_t
    write /etc/passwd "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh"
    setfilecon /etc/passwd system_u:object_r:etc_t
    write /etc/shadow "root:$mksim$0:0:0:99999:7:::\nalice:$mksim$1000:0:0:99999:7:::"
    chmod 0600 /etc/shadow
    setfilecon /etc/shadow system_u:object_r:shadow_t
    mkdir /usr
    mkdir /usr/bin
    setfilecon /usr/bin system_u:object_r:bin_t
    write /usr/bin/passwd "#!mksim passwd"
    chmod 04755 /usr/bin/passwd
    setfilecon /usr/bin/passwd system_u:object_r:passwd_exec_t
    mkdir /bin
    setfilecon /bin system_u:object_r:bin_t
    write /bin/su "#!mksim su"
    chmod 04755 /bin/su
    setfilecon /bin/su system_u:object_r:su_exec_t
    # The same program, set-user-ID root but labelled bin_t: no transition out of user_t.
    write /usr/bin/su2 "#!mksim su"
    chmod 04755 /usr/bin/su2
    setfilecon /usr/bin/su2 system_u:object_r:bin_t
    write /usr/bin/id "#!mksim id"
    chmod 0755 /usr/bin/id
    setfilecon /usr/bin/id system_u:object_r:bin_t
    # What alice runs as root: a script in bin_t (su's shell returns to user_t).
    write /usr/bin/asroot "#!mksim sh /usr/bin/asroot\nexpect EACCES write /etc/shadow \"root::0:0:99999:7:::\"\nexec /usr/bin/passwd root \"$mksim$evil\""
    chmod 0755 /usr/bin/asroot
    setfilecon /usr/bin/asroot system_u:object_r:bin_t
    spawn alice
    wait alice
    spawn admin
    wait admin
    cat /etc/shadow

process alice uid=1000 gid=1000 context=user_u:user_r:user_t
    spawn whoami
    wait whoami
    # passwd runs in passwd_t, which may write shadow: asked by uid 1000 for root's entry, it refuses.
    spawn evil
    expect status=1 wait evil
    # su root with root's password: uid 0, the same SELinux identity, role and domain.
    spawn rootid
    wait rootid
    # As root (in user_t): shadow stays closed, and passwd will not set root's password.
    spawn rootpw
    expect status=1 wait rootpw
    # A wrong password, then the setuid copy in bin_t (user_t: no capability setuid).
    spawn badpw
    expect status=1 wait badpw
    spawn su2
    expect status=1 wait su2

process whoami
    exec /usr/bin/id

process evil
    exec /usr/bin/passwd root "$mksim$evil"

process rootid
    exec /bin/su root "$mksim$0" /usr/bin/id

process rootpw
    exec /bin/su root "$mksim$0" /usr/bin/asroot

process badpw
    exec /bin/su root "$mksim$1000" /usr/bin/id

process su2
    exec /usr/bin/su2 root "$mksim$0" /usr/bin/id

# The administrator may change anyone's password (passwd:passwd on sysadm_t).
process admin uid=0 context=root:sysadm_r:sysadm_t
    exec /usr/bin/passwd alice "$mksim$reset"
