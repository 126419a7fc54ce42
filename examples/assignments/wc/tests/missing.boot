# wc on a file that does not exist (examples/assignments/wc; run by `mksim grade spec.yaml`)
disk     disk0 create=2M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
program  wc wc.mjs

process init uid=0
    mkdir /bin
    write /bin/wc-none "#!mksim wc /nonesuch"
    chmod 0755 /bin/wc-none
    spawn missing
    wait missing

process missing
    exec /bin/wc-none
