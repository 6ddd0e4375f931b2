import NIOSSL

/// TLS for order entry (swift-nio-ssl over BoringSSL): the venue's
/// certificate and key for `exsim serve`, and the trust `exsim load` places
/// in the venue's certificate. A value of this type wraps the prepared
/// context, so that callers need not import NIOSSL.
public struct LiveTLSContext: Sendable {
    let context: NIOSSLContext

    /// A venue's context: the certificate chain (PEM, leaf first) and its
    /// private key (PEM).
    public static func server(certificateFile: String, keyFile: String) throws(LiveTLSError) -> LiveTLSContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw LiveTLSError(file: certificateFile, reason: "not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw LiveTLSError(file: certificateFile, reason: "holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw LiveTLSError(file: keyFile, reason: "not a PEM private key (\(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return LiveTLSContext(context: try NIOSSLContext(configuration: configuration))
        } catch {
            throw LiveTLSError(file: keyFile, reason: "does not go with \(certificateFile) (\(error))")
        }
    }

    /// A client's context. With `trustedCertificatesFile`, the venue's
    /// certificate must chain to one of its certificates (PEM); the host
    /// name is not checked, since venues are reached by address. Without
    /// it, nothing is verified: the session is encrypted but the venue
    /// unauthenticated.
    public static func client(trustedCertificatesFile: String?) throws(LiveTLSError) -> LiveTLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustedCertificatesFile {
            do {
                let roots = try NIOSSLCertificate.fromPEMFile(trustedCertificatesFile)
                guard !roots.isEmpty else { throw LiveTLSError(file: trustedCertificatesFile, reason: "holds no certificate") }
                configuration.trustRoots = .certificates(roots)
            } catch let error as LiveTLSError {
                throw error
            } catch {
                throw LiveTLSError(file: trustedCertificatesFile, reason: "not a PEM certificate file (\(error))")
            }
            configuration.certificateVerification = .noHostnameVerification
        } else {
            configuration.certificateVerification = .none
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
