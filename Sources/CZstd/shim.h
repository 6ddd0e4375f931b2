// zstd's streaming API, as the Capture module reads and writes .zst
// captures through it (Debian: libzstd-dev).
#include <zstd.h>
#include <zstd_errors.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __linux__
// glibc's fopencookie(3), declared again under another name because Swift's
// Glibc module is built without _GNU_SOURCE: the capture reader hands
// libpcap a FILE* whose reads decompress a zstd stream, so a .pcap.zst is
// read in constant memory without a temporary file.
typedef ssize_t (*exsim_cookie_read_function)(void *cookie, char *buffer, size_t size);
typedef ssize_t (*exsim_cookie_write_function)(void *cookie, const char *buffer, size_t size);
typedef int (*exsim_cookie_seek_function)(void *cookie, int64_t *offset, int whence);
typedef int (*exsim_cookie_close_function)(void *cookie);
typedef struct {
    exsim_cookie_read_function read;
    exsim_cookie_write_function write;
    exsim_cookie_seek_function seek;
    exsim_cookie_close_function close;
} exsim_cookie_io_functions;
extern FILE *exsim_fopencookie(void *cookie, const char *mode, exsim_cookie_io_functions functions)
    __asm__("fopencookie");
#endif
