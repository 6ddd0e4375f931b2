#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <stdint.h>
#include "CReplaySend.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/// Segments one message may carry: the kernel's UDP_MAX_SEGMENTS of older
/// releases (newer ones take 128).
#define EXSIM_MAX_SEGMENTS 64
/// Payload bytes one message may carry: an IPv4 datagram's 65,535 less
/// its IP and UDP headers.
#define EXSIM_MAX_SEGMENTED_BYTES (65535 - 20 - 8)

int exsim_send_datagrams(int descriptor, const struct sockaddr *address, socklen_t address_length,
                         const void *const *payloads, const size_t *lengths, unsigned count) {
    struct mmsghdr messages[EXSIM_SEND_BATCH_LIMIT];
    struct iovec vectors[EXSIM_SEND_BATCH_LIMIT];
    if (count > EXSIM_SEND_BATCH_LIMIT) count = EXSIM_SEND_BATCH_LIMIT;
    memset(messages, 0, sizeof(struct mmsghdr) * count);
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)payloads[i];
        vectors[i].iov_len = lengths[i];
        messages[i].msg_hdr.msg_name = (void *)address;
        messages[i].msg_hdr.msg_namelen = address_length;
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    return sendmmsg(descriptor, messages, count, 0);
}

int exsim_send_datagrams_segmented(int descriptor, const void *const *payloads, const size_t *lengths, unsigned count) {
    struct mmsghdr messages[EXSIM_SEND_BATCH_LIMIT];
    struct iovec vectors[EXSIM_SEND_BATCH_LIMIT];
    unsigned segments[EXSIM_SEND_BATCH_LIMIT];
    union {
        char bytes[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } controls[EXSIM_SEND_BATCH_LIMIT];
    if (count > EXSIM_SEND_BATCH_LIMIT) count = EXSIM_SEND_BATCH_LIMIT;
    unsigned messageCount = 0;
    for (unsigned first = 0; first < count;) {
        size_t size = lengths[first];
        size_t total = size;
        unsigned end = first + 1;
        // A run of one length; a shorter datagram may end it. An empty
        // datagram, or one too long to join, goes alone.
        while (size > 0 && end < count && end - first < EXSIM_MAX_SEGMENTS && lengths[end] > 0 && lengths[end] <= size
               && total + lengths[end] <= EXSIM_MAX_SEGMENTED_BYTES) {
            total += lengths[end];
            end += 1;
            if (lengths[end - 1] < size) break;
        }
        struct mmsghdr *message = &messages[messageCount];
        memset(message, 0, sizeof(*message));
        for (unsigned i = first; i < end; i++) {
            vectors[i].iov_base = (void *)payloads[i];
            vectors[i].iov_len = lengths[i];
        }
        message->msg_hdr.msg_iov = &vectors[first];
        message->msg_hdr.msg_iovlen = end - first;
        if (end - first > 1) {
            message->msg_hdr.msg_control = controls[messageCount].bytes;
            message->msg_hdr.msg_controllen = sizeof(controls[messageCount].bytes);
            struct cmsghdr *control = CMSG_FIRSTHDR(&message->msg_hdr);
            control->cmsg_level = SOL_UDP;
            control->cmsg_type = UDP_SEGMENT;
            control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t segment = (uint16_t)size;
            memcpy(CMSG_DATA(control), &segment, sizeof(segment));
        }
        segments[messageCount] = end - first;
        messageCount += 1;
        first = end;
    }
    int taken = sendmmsg(descriptor, messages, messageCount, 0);
    if (taken <= 0) return taken;
    int datagrams = 0;
    for (int i = 0; i < taken; i++) datagrams += (int)segments[i];
    return datagrams;
}
