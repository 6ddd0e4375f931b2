import CPcap
import CZstd

/// The versions of the C libraries captures are read and written through,
/// for the record of a benchmark or a bug report.
public enum CaptureLibraries {
    /// libpcap's version string, e.g. "libpcap version 1.10.5 (with TPACKET_V3)".
    public static var pcapVersion: String { String(cString: pcap_lib_version()) }
    /// zstd's version, e.g. "1.5.7".
    public static var zstdVersion: String { String(cString: ZSTD_versionString()) }
}
