# wc on a small file and on one of 10,000 bytes (examples/assignments/wc; run by `mksim grade spec.yaml`)
disk     disk0 image=disk.img create=2M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
program  wc wc.mjs

process init uid=0
    write /poem.txt "roses are red\nviolets are blue\n"
    write /big.txt --bytes 10000
    mkdir /bin
    write /bin/wc-small "#!mksim wc /poem.txt"
    write /bin/wc-big "#!mksim wc /big.txt"
    chmod 0755 /bin/wc-small
    chmod 0755 /bin/wc-big
    spawn small
    wait small
    spawn big
    wait big
    sync

process small
    exec /bin/wc-small

process big
    exec /bin/wc-big
