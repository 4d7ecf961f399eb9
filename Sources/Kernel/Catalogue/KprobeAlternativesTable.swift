extension KprobeAlternatives {
    /// Kernel functions that "BPF Performance Tools" (chapters 6-7 and the tools they build
    /// on) and bpftrace's tools probe with kprobes, and the tracepoints that report the same
    /// events. Rows list current and older names of the same function, since the kernel
    /// renames them (blk_account_io_start → __blk_account_io_start, _do_fork → kernel_clone).
    /// Suggestions absent from the running kernel are filtered out when asked.
    public static let table: [Entry] = [
        // Files and syscalls (opensnoop, vfsstat, vfscount, statsnoop)
        Entry(
            ["do_sys_open", "do_sys_openat2", "do_sys_open*", "do_filp_open", "vfs_open", "path_openat"],
            [
                ("tracepoint:syscalls:sys_enter_openat", "openat(2) entry: args.filename, args.flags"),
                ("tracepoint:syscalls:sys_exit_openat", "openat(2) return: the fd or -errno in args.ret"),
                ("tracepoint:syscalls:sys_enter_open", "open(2) entry"),
                ("tracepoint:syscalls:sys_enter_openat2", "openat2(2) entry"),
            ]),
        Entry(
            ["vfs_read", "vfs_readv", "ksys_read", "new_sync_read", "vfs_iter_read"],
            [
                ("tracepoint:syscalls:sys_enter_read", "read(2) entry: args.fd, args.count"),
                ("tracepoint:syscalls:sys_exit_read", "read(2) return: bytes read in args.ret"),
                ("tracepoint:syscalls:sys_enter_readv", "readv(2) entry"),
                ("tracepoint:syscalls:sys_enter_pread64", "pread64(2) entry"),
            ]),
        Entry(
            ["vfs_write", "vfs_writev", "ksys_write", "new_sync_write", "vfs_iter_write"],
            [
                ("tracepoint:syscalls:sys_enter_write", "write(2) entry: args.fd, args.count"),
                ("tracepoint:syscalls:sys_exit_write", "write(2) return: bytes written in args.ret"),
                ("tracepoint:syscalls:sys_enter_writev", "writev(2) entry"),
                ("tracepoint:syscalls:sys_enter_pwrite64", "pwrite64(2) entry"),
            ]),
        Entry(
            ["vfs_fsync", "vfs_fsync_range", "do_fsync"],
            [
                ("tracepoint:syscalls:sys_enter_fsync", "fsync(2) entry"),
                ("tracepoint:syscalls:sys_enter_fdatasync", "fdatasync(2) entry"),
            ]),
        Entry(
            ["vfs_unlink", "do_unlinkat"],
            [
                ("tracepoint:syscalls:sys_enter_unlinkat", "unlinkat(2) entry: args.pathname"),
                ("tracepoint:syscalls:sys_enter_unlink", "unlink(2) entry"),
            ]),
        Entry(
            ["vfs_rename", "do_renameat2"],
            [
                ("tracepoint:syscalls:sys_enter_renameat2", "renameat2(2) entry"),
                ("tracepoint:syscalls:sys_enter_rename", "rename(2) entry"),
            ]),
        Entry(
            ["vfs_statx", "vfs_fstatat", "vfs_stat*", "vfs_lstat", "vfs_getattr*"],
            [
                ("tracepoint:syscalls:sys_enter_newfstatat", "fstatat(2) entry: args.filename"),
                ("tracepoint:syscalls:sys_enter_statx", "statx(2) entry"),
                ("tracepoint:syscalls:sys_enter_newstat", "stat(2) entry"),
            ]),
        Entry(
            ["do_sys_poll", "do_select", "core_sys_select", "ep_poll", "do_epoll_wait"],
            [
                ("tracepoint:syscalls:sys_enter_poll", "poll(2) entry"),
                ("tracepoint:syscalls:sys_enter_ppoll", "ppoll(2) entry"),
                ("tracepoint:syscalls:sys_enter_pselect6", "pselect6(2) entry"),
                ("tracepoint:syscalls:sys_enter_epoll_wait", "epoll_wait(2) entry"),
                ("tracepoint:syscalls:sys_enter_epoll_pwait", "epoll_pwait(2) entry"),
            ]),
        Entry(
            ["do_futex", "futex_wait*", "futex_wake*", "__futex_wait"],
            [
                ("tracepoint:syscalls:sys_enter_futex", "futex(2) entry: args.uaddr, args.op"),
                ("tracepoint:syscalls:sys_exit_futex", "futex(2) return"),
            ]),

        // Scheduler (offcputime, wakeuptime, offwaketime, runqlat, pidnss, cpuwalk)
        Entry(
            ["finish_task_switch", "__schedule", "schedule", "context_switch", "__switch_to", "__switch_to_asm"],
            [
                ("tracepoint:sched:sched_switch", "every context switch: prev_* and next_* task, prev_state"),
                ("software:context-switches:1", "samples switches as a perf event (kstack of the task leaving)"),
            ]),
        Entry(
            [
                "try_to_wake_up", "ttwu_do_wakeup", "ttwu_do_activate", "wake_up_process", "wake_up_state",
                "activate_task",
            ],
            [
                ("tracepoint:sched:sched_wakeup", "a task is woken: args.pid, args.target_cpu"),
                ("tracepoint:sched:sched_waking", "the waker's side, in the waker's context (kstack = who wakes)"),
            ]),
        Entry(
            ["wake_up_new_task"],
            [
                ("tracepoint:sched:sched_wakeup_new", "a newly forked task is woken for the first time")
            ]),
        Entry(
            ["set_task_cpu", "migrate_task_to", "move_queued_task", "migrate_task_rq_fair"],
            [
                ("tracepoint:sched:sched_migrate_task", "a task moves between CPUs: args.orig_cpu, args.dest_cpu"),
                ("software:cpu-migrations:1", "counts migrations as a perf event"),
            ]),
        Entry(
            ["do_exit", "do_group_exit", "release_task"],
            [
                ("tracepoint:sched:sched_process_exit", "a task exits (exitsnoop)"),
                ("tracepoint:sched:sched_process_free", "its task_struct is freed"),
            ]),
        Entry(
            ["_do_fork", "do_fork", "kernel_clone", "copy_process", "__do_sys_clone*"],
            [
                ("tracepoint:sched:sched_process_fork", "fork/clone: parent and child pid"),
                ("tracepoint:task:task_newtask", "a new task is created: args.pid, args.clone_flags"),
            ]),
        Entry(
            ["do_execve", "do_execveat_common", "bprm_execve", "exec_binprm", "search_binary_handler"],
            [
                ("tracepoint:sched:sched_process_exec", "a successful exec: args.filename (execsnoop)"),
                ("tracepoint:syscalls:sys_enter_execve", "execve(2) entry: args.filename, args.argv"),
                ("tracepoint:syscalls:sys_enter_execveat", "execveat(2) entry"),
            ]),
        Entry(
            ["do_nanosleep", "hrtimer_nanosleep", "common_nsleep", "schedule_hrtimeout*"],
            [
                ("tracepoint:syscalls:sys_enter_nanosleep", "nanosleep(2) entry: args.rqtp"),
                ("tracepoint:syscalls:sys_enter_clock_nanosleep", "clock_nanosleep(2) entry (what glibc's sleep uses)"),
            ]),
        Entry(
            ["hrtimer_start*", "hrtimer_interrupt", "__hrtimer_run_queues", "__run_hrtimer"],
            [
                ("tracepoint:timer:hrtimer_start", "an hrtimer is armed"),
                ("tracepoint:timer:hrtimer_expire_entry", "an hrtimer fires"),
            ]),
        Entry(
            ["cpufreq_*", "__cpufreq_driver_target"],
            [
                ("tracepoint:power:cpu_frequency", "a CPU changes frequency (cpufreq)")
            ]),
        Entry(
            ["cpuidle_enter*", "do_idle", "default_idle*"],
            [
                ("tracepoint:power:cpu_idle", "a CPU enters or leaves an idle state")
            ]),

        // Interrupts and cross calls (softirqs, hardirqs, smpcalls)
        Entry(
            [
                "__do_softirq", "handle_softirqs", "do_softirq", "run_ksoftirqd", "__raise_softirq_irqoff",
                "raise_softirq*",
            ],
            [
                ("tracepoint:irq:softirq_entry", "softirq handler starts: args.vec"),
                ("tracepoint:irq:softirq_exit", "softirq handler ends"),
                ("tracepoint:irq:softirq_raise", "a softirq is raised"),
            ]),
        Entry(
            [
                "handle_irq_event", "handle_irq_event_percpu", "__handle_irq_event_percpu", "handle_fasteoi_irq",
                "handle_edge_irq", "do_IRQ", "common_interrupt",
            ],
            [
                ("tracepoint:irq:irq_handler_entry", "a hard interrupt handler starts: args.irq, args.name"),
                ("tracepoint:irq:irq_handler_exit", "the handler returns"),
            ]),
        Entry(
            ["tasklet_action*", "tasklet_hi_action"],
            [
                ("tracepoint:irq:tasklet_entry", "a tasklet runs"),
                ("tracepoint:irq:tasklet_exit", "the tasklet returns"),
            ]),
        Entry(
            [
                "smp_call_function*", "generic_smp_call_function_single_interrupt", "__flush_smp_call_function_queue",
                "flush_smp_call_function_queue", "on_each_cpu*", "generic_exec_single",
            ],
            [
                ("tracepoint:csd:csd_queue_cpu", "a cross-CPU function call is queued: args.cpu, args.func"),
                ("tracepoint:csd:csd_function_entry", "the called function starts on the target CPU"),
                ("tracepoint:csd:csd_function_exit", "the called function returns"),
                ("tracepoint:ipi:ipi_send_cpu", "an IPI is sent to one CPU"),
                ("tracepoint:ipi:ipi_send_cpumask", "an IPI is sent to several CPUs"),
            ]),
        Entry(
            ["process_one_work", "worker_thread"],
            [
                ("tracepoint:workqueue:workqueue_execute_start", "a work item starts: args.function"),
                ("tracepoint:workqueue:workqueue_execute_end", "the work item ends"),
            ]),
        Entry(
            ["queue_work_on", "__queue_work"],
            [
                ("tracepoint:workqueue:workqueue_queue_work", "a work item is queued")
            ]),
        Entry(
            ["send_signal*", "__send_signal*", "do_send_sig_info", "kill_pid_info", "group_send_sig_info"],
            [
                ("tracepoint:signal:signal_generate", "a signal is sent: args.sig, args.pid (killsnoop)"),
                ("tracepoint:syscalls:sys_enter_kill", "kill(2) entry"),
            ]),
        Entry(
            ["get_signal", "do_signal", "handle_signal"],
            [
                ("tracepoint:signal:signal_deliver", "a signal is delivered to the current task")
            ]),

        // Memory (oomkill, memleak, mmapsnoop, brkstack, faults, ffaults, vmscan, drsnoop, swapin, hfaults)
        Entry(
            [
                "handle_mm_fault", "do_page_fault", "__do_page_fault", "exc_page_fault", "do_user_addr_fault",
                "do_anonymous_page", "do_fault",
            ],
            [
                ("tracepoint:exceptions:page_fault_user", "a page fault in user mode: args.address, args.error_code"),
                ("tracepoint:exceptions:page_fault_kernel", "a page fault in kernel mode"),
                ("software:page-faults:1", "every fault as a perf event, with ustack"),
            ]),
        Entry(
            ["filemap_fault", "__do_fault", "filemap_map_pages"],
            [
                ("tracepoint:filemap:mm_filemap_fault", "a fault on a file-backed page (ffaults)"),
                ("tracepoint:filemap:mm_filemap_map_pages", "fault-around maps cached pages"),
            ]),
        Entry(
            [
                "swap_readpage", "swap_read_folio", "swap_readahead", "swapin_readahead", "do_swap_page",
                "swap_cluster_readahead",
            ],
            [
                ("software:major-faults:1", "major faults, which include swap-ins (no swap-in tracepoint exists)"),
                ("tracepoint:exceptions:page_fault_user", "all user faults; filter by the faulting task"),
            ]),
        Entry(
            ["hugetlb_fault", "hugetlb_no_page"],
            [
                ("tracepoint:exceptions:page_fault_user", "all user faults; hugetlb faults are among them"),
                ("software:page-faults:1", "every fault as a perf event"),
            ]),
        Entry(
            [
                "__kmalloc", "kmalloc", "__kmalloc_node", "__kmalloc_noprof", "__kmalloc_node_noprof", "kmalloc_trace*",
                "kmalloc_order*", "kmalloc_large*", "__kmalloc_track_caller", "kmalloc_node_track_caller*",
            ],
            [
                ("tracepoint:kmem:kmalloc", "every kmalloc: args.bytes_req, args.bytes_alloc, args.ptr")
            ]),
        Entry(
            ["kmem_cache_alloc", "kmem_cache_alloc_*"],
            [
                ("tracepoint:kmem:kmem_cache_alloc", "slab allocations: args.name, args.bytes_alloc")
            ]),
        Entry(
            ["kfree", "kvfree"],
            [
                ("tracepoint:kmem:kfree", "kfree: args.ptr (pair with kmem:kmalloc for memleak)")
            ]),
        Entry(
            ["kmem_cache_free"],
            [
                ("tracepoint:kmem:kmem_cache_free", "slab frees")
            ]),
        Entry(
            [
                "__alloc_pages", "__alloc_pages_nodemask", "__alloc_pages_noprof", "alloc_pages*", "__folio_alloc*",
                "get_page_from_freelist",
            ],
            [
                ("tracepoint:kmem:mm_page_alloc", "page allocations: args.order, args.gfp_flags")
            ]),
        Entry(
            ["__free_pages", "__free_pages_ok", "free_pages*", "free_unref_page*", "free_unref_folios"],
            [
                ("tracepoint:kmem:mm_page_free", "page frees: args.order")
            ]),
        Entry(
            ["oom_kill_process", "__oom_kill_process", "out_of_memory", "oom_kill_*"],
            [
                ("tracepoint:oom:mark_victim", "the OOM killer picked a victim: args.pid (oomkill)"),
                ("tracepoint:oom:wake_reaper", "the OOM reaper is woken for the victim"),
            ]),
        Entry(
            ["do_mmap", "mmap_region", "vm_mmap_pgoff", "ksys_mmap_pgoff", "do_mmap_pgoff"],
            [
                ("tracepoint:syscalls:sys_enter_mmap", "mmap(2) entry: args.len, args.prot, args.flags (mmapsnoop)"),
                ("tracepoint:syscalls:sys_exit_mmap", "mmap(2) return: the address"),
            ]),
        Entry(
            ["do_munmap", "__vm_munmap", "do_vmi_munmap"],
            [
                ("tracepoint:syscalls:sys_enter_munmap", "munmap(2) entry")
            ]),
        Entry(
            ["do_brk_flags", "do_brk", "__do_sys_brk"],
            [
                ("tracepoint:syscalls:sys_enter_brk", "brk(2) entry (brkstack)")
            ]),
        Entry(
            ["shrink_node", "shrink_lruvec", "shrink_inactive_list", "shrink_active_list", "shrink_zone*"],
            [
                (
                    "tracepoint:vmscan:mm_vmscan_lru_shrink_inactive",
                    "reclaim scans the inactive list: args.nr_scanned, args.nr_reclaimed"
                ),
                ("tracepoint:vmscan:mm_vmscan_lru_shrink_active", "reclaim scans the active list"),
            ]),
        Entry(
            ["balance_pgdat", "kswapd", "wakeup_kswapd", "kswapd_try_to_sleep"],
            [
                ("tracepoint:vmscan:mm_vmscan_kswapd_wake", "kswapd wakes to reclaim a node"),
                ("tracepoint:vmscan:mm_vmscan_kswapd_sleep", "kswapd goes back to sleep"),
                ("tracepoint:vmscan:mm_vmscan_wakeup_kswapd", "an allocation wakes kswapd"),
            ]),
        Entry(
            ["try_to_free_pages", "do_try_to_free_pages", "__perform_reclaim", "__alloc_pages_direct_reclaim"],
            [
                (
                    "tracepoint:vmscan:mm_vmscan_direct_reclaim_begin",
                    "direct reclaim starts in the allocating task (drsnoop)"
                ),
                ("tracepoint:vmscan:mm_vmscan_direct_reclaim_end", "direct reclaim ends: args.nr_reclaimed"),
            ]),
        Entry(
            ["shrink_slab", "do_shrink_slab"],
            [
                ("tracepoint:vmscan:mm_shrink_slab_start", "a slab shrinker starts"),
                ("tracepoint:vmscan:mm_shrink_slab_end", "the shrinker ends"),
            ]),
        Entry(
            ["compact_zone", "try_to_compact_pages", "compact_zone_order"],
            [
                ("tracepoint:compaction:mm_compaction_begin", "memory compaction starts"),
                ("tracepoint:compaction:mm_compaction_end", "memory compaction ends"),
            ]),
        Entry(
            ["migrate_pages", "migrate_misplaced_*"],
            [
                ("tracepoint:migrate:mm_migrate_pages", "pages migrated: args.succeeded, args.reason")
            ]),
        Entry(
            ["add_to_page_cache_lru", "add_to_page_cache_locked", "filemap_add_folio", "__filemap_add_folio"],
            [
                ("tracepoint:filemap:mm_filemap_add_to_page_cache", "a page enters the page cache (cachestat misses)")
            ]),
        Entry(
            ["delete_from_page_cache", "__delete_from_page_cache", "filemap_remove_folio", "__filemap_remove_folio"],
            [
                ("tracepoint:filemap:mm_filemap_delete_from_page_cache", "a page leaves the page cache")
            ]),
        Entry(
            [
                "account_page_dirtied", "folio_account_dirtied", "__folio_mark_dirty", "folio_mark_dirty",
                "set_page_dirty", "__set_page_dirty*",
            ],
            [
                ("tracepoint:writeback:writeback_dirty_folio", "a page cache page becomes dirty"),
                ("tracepoint:writeback:writeback_dirty_page", "a page cache page becomes dirty (older kernels)"),
            ]),
        Entry(
            ["mark_buffer_dirty"],
            [
                ("tracepoint:block:block_dirty_buffer", "a buffer head is marked dirty")
            ]),
        Entry(
            ["mark_page_accessed", "folio_mark_accessed"],
            [
                ("tracepoint:pagemap:mm_lru_activate", "a page is promoted to the active list (only the promotions)")
            ]),
        Entry(
            [
                "page_cache_sync_readahead", "page_cache_async_readahead", "ondemand_readahead", "page_cache_ra_*",
                "__do_page_cache_readahead", "do_page_cache_ra",
            ],
            [
                ("tracepoint:readahead:page_cache_sync_ra", "synchronous readahead"),
                ("tracepoint:readahead:page_cache_async_ra", "asynchronous readahead"),
            ]),
        Entry(
            ["wb_writeback", "writeback_sb_inodes", "__writeback_single_inode", "wb_workfn"],
            [
                ("tracepoint:writeback:writeback_start", "a writeback pass starts"),
                ("tracepoint:writeback:writeback_written", "a writeback pass ends: pages written"),
            ]),

        // Block I/O (biolatency, biosnoop, biotop)
        Entry(
            [
                "blk_account_io_start", "__blk_account_io_start", "blk_mq_start_request", "blk_start_request",
                "blk_mq_insert_request*",
            ],
            [
                ("tracepoint:block:block_io_start", "an I/O request starts being accounted (biolatency's start)"),
                ("tracepoint:block:block_rq_issue", "a request is issued to the device driver"),
                ("tracepoint:block:block_rq_insert", "a request is inserted into the queue"),
            ]),
        Entry(
            [
                "blk_account_io_done", "__blk_account_io_done", "blk_account_io_completion", "blk_mq_end_request",
                "blk_update_request", "blk_mq_complete_request",
            ],
            [
                ("tracepoint:block:block_io_done", "an I/O request completes (biolatency's end)"),
                ("tracepoint:block:block_rq_complete", "the device completes a request: args.sector, args.nr_sector"),
            ]),
        Entry(
            ["submit_bio", "submit_bio_noacct", "generic_make_request", "submit_bio_wait"],
            [
                ("tracepoint:block:block_bio_queue", "a bio is submitted")
            ]),

        // Networking (tcpconnect, tcpaccept, tcplife, tcpretrans, tcpdrop)
        Entry(
            ["tcp_sendmsg", "tcp_sendmsg_locked", "tcp_sendpage"],
            [
                ("tracepoint:tcp:tcp_sendmsg_locked", "TCP send with the socket locked"),
                ("tracepoint:sock:sock_send_length", "bytes sent on any socket: args.ret"),
                ("tracepoint:syscalls:sys_enter_sendto", "sendto(2) entry"),
                ("tracepoint:syscalls:sys_enter_sendmsg", "sendmsg(2) entry"),
            ]),
        Entry(
            ["tcp_recvmsg", "tcp_cleanup_rbuf", "tcp_read_sock"],
            [
                ("tracepoint:sock:sock_recv_length", "bytes received on any socket: args.ret"),
                ("tracepoint:tcp:tcp_rcv_space_adjust", "TCP receive window adjustment"),
                ("tracepoint:syscalls:sys_enter_recvfrom", "recvfrom(2) entry"),
            ]),
        Entry(
            ["udp_sendmsg", "udpv6_sendmsg"],
            [
                ("tracepoint:sock:sock_send_length", "bytes sent on any socket")
            ]),
        Entry(
            ["udp_recvmsg", "udpv6_recvmsg"],
            [
                ("tracepoint:sock:sock_recv_length", "bytes received on any socket")
            ]),
        Entry(
            ["tcp_v4_connect", "tcp_v6_connect", "tcp_connect", "inet_stream_connect", "__inet_stream_connect"],
            [
                (
                    "tracepoint:sock:inet_sock_set_state",
                    "TCP state changes: CLOSE→SYN_SENT is an active open (tcpconnect)"
                ),
                ("tracepoint:syscalls:sys_enter_connect", "connect(2) entry"),
            ]),
        Entry(
            ["inet_csk_accept", "inet_accept"],
            [
                (
                    "tracepoint:sock:inet_sock_set_state",
                    "TCP state changes: SYN_RECV→ESTABLISHED is a passive open (tcpaccept)"
                ),
                ("tracepoint:syscalls:sys_exit_accept4", "accept4(2) return"),
                ("tracepoint:syscalls:sys_exit_accept", "accept(2) return"),
            ]),
        Entry(
            ["tcp_set_state", "tcp_done", "tcp_close", "__tcp_close"],
            [
                (
                    "tracepoint:sock:inet_sock_set_state",
                    "every TCP state change: args.oldstate, args.newstate (tcplife)"
                ),
                ("tracepoint:tcp:tcp_destroy_sock", "a TCP socket is destroyed"),
            ]),
        Entry(
            ["tcp_retransmit_skb", "__tcp_retransmit_skb", "tcp_retransmit_timer"],
            [
                ("tracepoint:tcp:tcp_retransmit_skb", "a TCP segment is retransmitted (tcpretrans)")
            ]),
        Entry(
            ["tcp_drop", "kfree_skb", "kfree_skb_reason", "sk_skb_reason_drop", "__kfree_skb"],
            [
                ("tracepoint:skb:kfree_skb", "a packet is dropped: args.location, args.reason (tcpdrop)")
            ]),
        Entry(
            ["tcp_v4_send_reset", "tcp_v6_send_reset", "tcp_send_active_reset"],
            [
                ("tracepoint:tcp:tcp_send_reset", "a TCP RST is sent")
            ]),
        Entry(
            ["tcp_rcv_established", "tcp_ack"],
            [
                ("tracepoint:tcp:tcp_probe", "per-segment TCP state: snd_cwnd, srtt")
            ]),
        Entry(
            ["dev_queue_xmit", "__dev_queue_xmit", "dev_hard_start_xmit"],
            [
                ("tracepoint:net:net_dev_queue", "a packet is queued for transmit"),
                ("tracepoint:net:net_dev_xmit", "a packet is handed to the driver"),
            ]),
        Entry(
            ["netif_receive_skb*", "__netif_receive_skb*", "napi_gro_receive", "netif_rx*"],
            [
                ("tracepoint:net:netif_receive_skb", "a packet is received"),
                ("tracepoint:net:napi_gro_receive_entry", "GRO receive"),
            ]),

        // Security and locks (capable, setuids, klockstat)
        Entry(
            ["cap_capable", "ns_capable", "capable", "security_capable"],
            [
                ("tracepoint:capability:cap_capable", "a capability check: args.cap, args.ret (capable)")
            ]),
        Entry(
            [
                "mutex_lock*", "__mutex_lock*", "down_read*", "down_write*", "rwsem_down_*",
                "queued_spin_lock_slowpath", "native_queued_spin_lock_slowpath", "__down*",
            ],
            [
                ("tracepoint:lock:contention_begin", "a lock is contended: args.lock_addr, args.flags"),
                ("tracepoint:lock:contention_end", "the contended lock is acquired"),
            ]),
    ]
}
