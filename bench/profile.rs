//! A system-wide CPU profile of one phase of the benchmark, when `BENCH_PROFILE_DIR` names
//! a folder: `perf record -a` runs while the guard lives and writes `<folder>/<phase>.data`.
//! System-wide, because on PostgreSQL most of a submission's time is spent outside the
//! server process. `bench/run.sh` (with `BENCH_PROFILE=1`) turns the files into text.

use std::process::{Child, Command, Stdio};

/// Stops the profile when dropped.
pub struct Profile(Option<Child>);

/// Starts profiling `phase`, or does nothing when no folder is set or `perf` is missing.
pub fn start(phase: &str) -> Profile {
    let Some(dir) = std::env::var_os("BENCH_PROFILE_DIR") else {
        return Profile(None);
    };
    let out = std::path::Path::new(&dir).join(format!("{phase}.data"));
    let child = Command::new("perf")
        .args(["record", "-a", "-F", "499", "-q", "-o"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| eprintln!("perf niet gestart ({e}); geen profiel van {phase}"))
        .ok();
    // perf needs a moment before it samples.
    std::thread::sleep(std::time::Duration::from_millis(300));
    Profile(child)
}

impl Drop for Profile {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            // SIGINT makes perf write its header; a kill would leave the file unreadable.
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}
