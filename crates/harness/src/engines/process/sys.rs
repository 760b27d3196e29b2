//! The few system calls the process engines need (through `libc`): limits
//! set in a child before `exec`, killing a child's process group, the CPU
//! backstop, the effective uid. Each unsafe block is alone in its function.

use std::process::Command;
use std::time::Duration;

/// SIGKILL.
pub(super) const SIGKILL: i32 = libc::SIGKILL;
/// SIGXCPU (the soft CPU time limit).
pub(super) const SIGXCPU: i32 = libc::SIGXCPU;

/// Sets, in the child between `fork` and `exec`: no core dumps, and
/// `RLIMIT_AS` to `address_space` bytes when given.
#[allow(unsafe_code)]
pub(super) fn limit_child(cmd: &mut Command, address_space: Option<u64>) {
    use std::os::unix::process::CommandExt;
    let set = move || -> std::io::Result<()> {
        set_rlimit(libc::RLIMIT_CORE, 0)?;
        if let Some(bytes) = address_space {
            set_rlimit(libc::RLIMIT_AS, bytes)?;
        }
        Ok(())
    };
    // SAFETY: the closure runs in the forked child before `exec`. It only
    // calls `setrlimit` (async-signal-safe) on a stack value and builds an
    // `io::Error` from errno on failure; it takes no lock and allocates
    // nothing on success.
    unsafe {
        cmd.pre_exec(set);
    }
}

/// The type of a resource argument of `setrlimit`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
type Resource = libc::__rlimit_resource_t;
/// The type of a resource argument of `setrlimit`.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type Resource = libc::c_int;

/// `setrlimit(resource, {value, value})`.
#[allow(unsafe_code)]
fn set_rlimit(resource: Resource, value: u64) -> std::io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: value as libc::rlim_t,
        rlim_max: value as libc::rlim_t,
    };
    // SAFETY: `lim` is a valid rlimit that outlives the call.
    if unsafe { libc::setrlimit(resource, &lim) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Sends SIGKILL to the process group `pgid` (a child started with
/// `process_group(0)`, not yet reaped, so the id is still its own).
#[allow(unsafe_code)]
pub(super) fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: killpg takes plain integers; a failure (no such group) is
    // harmless and ignored.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// The effective user id of this process.
#[allow(unsafe_code)]
pub(super) fn euid() -> u32 {
    // SAFETY: geteuid cannot fail and has no preconditions.
    unsafe { libc::geteuid() }
}

/// Lowers the soft `RLIMIT_CPU` of the child `pid` to its CPU time so far
/// plus `budget`, so that a child whose parent died mid-run (a Ctrl-C skips
/// destructors) gets SIGXCPU instead of running on for hours. The hard limit
/// is left alone. Linux only; best effort.
#[cfg(target_os = "linux")]
pub(super) fn cpu_backstop(pid: u32, budget: Duration) {
    let Some(used) = cpu_seconds(pid) else {
        return;
    };
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    let soft = used.saturating_add(budget.as_secs()).saturating_add(1);
    prlimit_cpu(pid, soft);
}

/// Not Linux: no backstop.
#[cfg(not(target_os = "linux"))]
pub(super) fn cpu_backstop(_pid: u32, _budget: Duration) {}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn prlimit_cpu(pid: libc::pid_t, soft: u64) {
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `old` is a valid, writable rlimit; a null new limit only reads.
    if unsafe { libc::prlimit(pid, libc::RLIMIT_CPU, std::ptr::null(), &mut old) } != 0 {
        return;
    }
    let new = libc::rlimit {
        rlim_cur: (soft as libc::rlim_t).min(old.rlim_max),
        rlim_max: old.rlim_max,
    };
    // SAFETY: `new` is a valid rlimit; the old value is not asked for.
    unsafe {
        libc::prlimit(pid, libc::RLIMIT_CPU, &new, std::ptr::null_mut());
    }
}

/// The CPU time (user + system) of `pid` so far, in whole seconds rounded
/// up, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
fn cpu_seconds(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime); `rest` starts at field 3.
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let hz = clock_ticks()?;
    Some(ticks.div_ceil(hz))
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn clock_ticks() -> Option<u64> {
    // SAFETY: sysconf takes a plain integer and has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(hz).ok().filter(|&h| h > 0)
}
