#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "CReplaySend.h"

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
