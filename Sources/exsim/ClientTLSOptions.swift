import ArgumentParser
import Live

/// How a client of a venue speaks TLS (`exsim load`, `exsim replay
/// --order-entry`): whom it trusts, and the certificate it presents.
struct ClientTLSOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Speak TLS to the venue and trust only the certificates in this PEM file (the venue's certificate or its CA); the host name is not checked.",
        valueName: "file"))
    var tlsCA: String?

    @Flag(help: "Speak TLS to the venue without verifying its certificate (encrypted, not authenticated).")
    var tlsNoVerify = false

    @Option(help: ArgumentHelp(
        "Present this client certificate chain (PEM, leaf first) to a venue that asks for one (exsim serve --tls-client-ca); needs --tls-key.",
        valueName: "file"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --tls-certificate.", valueName: "file"))
    var tlsKey: String?

    /// Whether any TLS option was given.
    var isGiven: Bool { tlsCA != nil || tlsNoVerify || tlsCertificate != nil || tlsKey != nil }

    /// The client context, nil for plain TCP. A venue that speaks TLS (its
    /// ports file says so) needs --tls-ca or --tls-no-verify.
    func context(venueSpeaksTLS: Bool) throws -> LiveTLSContext? {
        guard tlsCA == nil || !tlsNoVerify else { throw ValidationError("give --tls-ca or --tls-no-verify, not both") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-certificate and --tls-key go together") }
        guard tlsCertificate == nil || tlsCA != nil || tlsNoVerify else {
            throw ValidationError("--tls-certificate is presented in a TLS handshake: give --tls-ca FILE (or --tls-no-verify) as well")
        }
        guard tlsCA != nil || tlsNoVerify else {
            if venueSpeaksTLS {
                printError("the venue speaks TLS (its ports file says so): give --tls-ca FILE to verify its certificate, or --tls-no-verify")
                throw ExsimExit.badInput
            }
            return nil
        }
        do {
            return try LiveTLSContext.client(trustedCertificatesFile: tlsCA, certificateFile: tlsCertificate, keyFile: tlsKey)
        } catch {
            printError("--tls-ca\(tlsCertificate == nil ? "" : "/--tls-certificate/--tls-key") \(error.description)")
            throw ExsimExit.badInput
        }
    }
}
