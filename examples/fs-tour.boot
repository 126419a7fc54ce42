# fs-tour.boot: a walk through the file server's calls, each one a message
# from a user process to fs (and from fs to the disk when the cache misses).
# Read the trace with:  mksim boot examples/fs-tour.boot --trace t.jsonl && mksim trace t.jsonl
disk     disk0 create=8M block-size=1024 model=hp97560 sched=look
fs       root=disk0 cache=128 robust=off elevator=on
clock    mode=tickless

process init uid=0
    mkdir /home
    mkdir /home/alice 0755
    chown 1000:1000 /home/alice
    mkdir /tmp
    chmod 1777 /tmp
    write /etc-motd "welcome to mksim"
    spawn alice
    wait alice
    echo "alice is done; the root directory now holds:"
    ls /
    sync

process alice uid=1000 gid=1000
    cd /home/alice
    write notes.txt "line one"
    write --append notes.txt ", line two"
    cat notes.txt
    stat notes.txt
    ln notes.txt notes-link.txt
    mv notes-link.txt renamed.txt
    ls /home/alice
    chmod 0600 notes.txt
    open fd notes.txt O_RDWR
    lseek fd 5
    read fd 3
    writefd fd "ONE"
    close fd
    cat notes.txt
    write --bytes 100000 big.bin
    stat big.bin
    rm renamed.txt
    expect EACCES write /etc-motd "defaced"
    expect ENOENT cat /home/alice/nothing
    mkdir sub
    write sub/inner.txt "x"
    expect EEXIST mkdir sub
    expect ENOTEMPTY rmdir sub
    expect EACCES rmdir /home
    expect EISDIR write /home "x"
    sync
