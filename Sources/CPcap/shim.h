// libpcap, as the Capture module reads pcap and pcapng files through it
// (Debian: libpcap-dev).
#include <pcap/pcap.h>
