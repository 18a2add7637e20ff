//! Saving the input that overflows the stack. Without a sanitizer,
//! libFuzzer's SIGSEGV handler runs on the overflowed stack itself, so the
//! process dies (exit 139) without writing a crash artifact. [`run`] keeps
//! the input in hand and, on SIGSEGV, writes it to `$FLUX_FUZZ_CRASH`
//! (default `./overflow-input`) from a handler on its own signal stack.

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::Once;

static INPUT: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static LEN: AtomicUsize = AtomicUsize::new(0);
static mut PATH: [u8; 512] = [0; 512];

extern "C" fn on_segv(_: libc::c_int) {
    // Only async-signal-safe calls: open, write, _exit.
    unsafe {
        let fd = libc::open(
            std::ptr::addr_of!(PATH).cast(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            0o644,
        );
        if fd >= 0 {
            let _ = libc::write(
                fd,
                INPUT.load(Ordering::SeqCst).cast(),
                LEN.load(Ordering::SeqCst),
            );
            libc::close(fd);
        }
        let msg = b"flux-fuzz: SIGSEGV (stack overflow?): input saved\n";
        let _ = libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::_exit(139);
    }
}

fn install() {
    let path = std::env::var("FLUX_FUZZ_CRASH").unwrap_or_else(|_| "overflow-input".into());
    // SAFETY: written once, before the handler can run.
    unsafe {
        let n = path.len().min(511);
        let dst = &mut *std::ptr::addr_of_mut!(PATH);
        dst[..n].copy_from_slice(&path.as_bytes()[..n]);
        let size = 1 << 16;
        let stack = libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        let ss = libc::stack_t {
            ss_sp: stack,
            ss_flags: 0,
            ss_size: size,
        };
        libc::sigaltstack(&ss, std::ptr::null_mut());
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_segv as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = libc::SA_ONSTACK;
        libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
    }
}

/// Runs `f` on `data`, saving `data` if it ends in SIGSEGV.
pub fn run(data: &[u8], f: impl FnOnce(&[u8])) {
    static ONCE: Once = Once::new();
    ONCE.call_once(install);
    INPUT.store(data.as_ptr().cast_mut(), Ordering::SeqCst);
    LEN.store(data.len(), Ordering::SeqCst);
    f(data);
}
