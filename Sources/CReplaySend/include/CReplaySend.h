#ifndef EXSIM_CREPLAYSEND_H
#define EXSIM_CREPLAYSEND_H

#include <stddef.h>
#include <sys/socket.h>

/// The most datagrams one exsim_send_datagrams call hands to the kernel.
#define EXSIM_SEND_BATCH_LIMIT 256

/// Sends `count` (at most EXSIM_SEND_BATCH_LIMIT) datagrams to one address
/// (NULL: the socket's connected peer) with a single sendmmsg(2). Returns the number the kernel took (fewer
/// than `count` when it stopped early), or -1 with errno set when it took none.
int exsim_send_datagrams(int descriptor, const struct sockaddr *address, socklen_t address_length,
                         const void *const *payloads, const size_t *lengths, unsigned count);

/// As exsim_send_datagrams, but each run of consecutive datagrams of one
/// length (the run's last one may be shorter) goes as one message that
/// the kernel cuts into those datagrams (UDP generic segmentation offload,
/// UDP_SEGMENT): the socket's sending path runs once per run, not once per
/// datagram. The receiver gets the same datagrams. Returns the number of
/// datagrams the kernel took, or -1 with errno set when it took none; a
/// kernel or route without segmentation fails with EINVAL, EIO or
/// EOPNOTSUPP, for the caller to fall back on exsim_send_datagrams.
int exsim_send_datagrams_segmented(int descriptor, const void *const *payloads, const size_t *lengths, unsigned count);

#endif
