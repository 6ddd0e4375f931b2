import NIOSSL

/// TLS for order entry (swift-nio-ssl over BoringSSL): the venue's
/// certificate and key for `exsim serve`, and the trust `exsim load` places
/// in the venue's certificate. A value of this type wraps the prepared
/// context, so that callers need not import NIOSSL.
public struct LiveTLSContext: Sendable {
    let context: NIOSSLContext

    /// A venue's context: the certificate chain (PEM, leaf first) and its
    /// private key (PEM). With `clientCertificateAuthoritiesFile`, every
    /// client must present a certificate that chains to one of that file's
    /// certificates (PEM), or its handshake fails and it gets no session.
    public static func server(
        certificateFile: String, keyFile: String, clientCertificateAuthoritiesFile: String? = nil
    ) throws(LiveTLSError) -> LiveTLSContext {
        let (chain, key) = try identity(certificateFile: certificateFile, keyFile: keyFile)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        if let clientCertificateAuthoritiesFile {
            configuration.trustRoots = .certificates(try certificates(clientCertificateAuthoritiesFile))
            // Verification on a server requires the client's certificate
            // (BoringSSL's SSL_VERIFY_FAIL_IF_NO_PEER_CERT); clients have no
            // host name to check.
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            return LiveTLSContext(context: try NIOSSLContext(configuration: configuration))
        } catch {
            throw LiveTLSError(file: keyFile, reason: "does not go with \(certificateFile) (\(error))")
        }
    }

    /// A certificate chain (PEM, leaf first) and its private key (PEM).
    static func identity(certificateFile: String, keyFile: String) throws(LiveTLSError) -> ([NIOSSLCertificate], NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw LiveTLSError(file: certificateFile, reason: "not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw LiveTLSError(file: certificateFile, reason: "holds no certificate") }
        do {
            return (chain, try NIOSSLPrivateKey(file: keyFile, format: .pem))
        } catch {
            throw LiveTLSError(file: keyFile, reason: "not a PEM private key (\(error))")
        }
    }

    /// The certificates of a PEM file, at least one.
    static func certificates(_ file: String) throws(LiveTLSError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(file)
        } catch {
            throw LiveTLSError(file: file, reason: "not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else { throw LiveTLSError(file: file, reason: "holds no certificate") }
        return certificates
    }

    /// A client's context. With `trustedCertificatesFile`, the venue's
    /// certificate must chain to one of its certificates (PEM); the host
    /// name is not checked, since venues are reached by address. Without
    /// it, nothing is verified: the session is encrypted but the venue
    /// unauthenticated.
    ///
    /// With `certificateFile` and `keyFile`, the client presents that
    /// certificate chain (PEM, leaf first) to a venue that asks for one.
    public static func client(
        trustedCertificatesFile: String?, certificateFile: String? = nil, keyFile: String? = nil
    ) throws(LiveTLSError) -> LiveTLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustedCertificatesFile {
            configuration.trustRoots = .certificates(try certificates(trustedCertificatesFile))
            configuration.certificateVerification = .noHostnameVerification
        } else {
            configuration.certificateVerification = .none
        }
        if let certificateFile, let keyFile {
            let (chain, key) = try identity(certificateFile: certificateFile, keyFile: keyFile)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        do {
            return LiveTLSContext(context: try NIOSSLContext(configuration: configuration))
        } catch {
            throw LiveTLSError(file: trustedCertificatesFile ?? "", reason: "\(error)")
        }
    }

    func serverHandler() -> NIOSSLServerHandler { NIOSSLServerHandler(context: context) }

    func clientHandler() throws -> NIOSSLClientHandler { try NIOSSLClientHandler(context: context, serverHostname: nil) }
}

/// A certificate or key file that cannot be used.
public struct LiveTLSError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var reason: String
    public var description: String { "\(file): \(reason)" }
}
