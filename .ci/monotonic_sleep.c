/* Preloaded before libfaketime by .ci/moved-clock: a sleep on the monotonic clock goes to the
 * kernel untouched. libfaketime 0.9.10 (Debian 12), told to leave the monotonic clock alone,
 * still shifts an absolute clock_nanosleep on it by the fake offset, so Python 3.11's
 * time.sleep fails with EINVAL (wolfcw/libfaketime#426). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                    struct timespec *remain) {
    static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);
    if (clock == CLOCK_MONOTONIC)
        return syscall(SYS_clock_nanosleep, clock, flags, request, remain) == 0 ? 0 : errno;
    if (next == NULL)
        next = (int (*)(clockid_t, int, const struct timespec *, struct timespec *))dlsym(
            RTLD_NEXT, "clock_nanosleep");
    return next(clock, flags, request, remain);
}
