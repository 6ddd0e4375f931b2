import Foundation
import Testing

/// `exsim serve --tls-certificate/--tls-key`: order entry over TLS, with a
/// client whose TLS we did not write (Python's ssl module, i.e. OpenSSL)
/// and with `exsim load`; a plain-TCP client gets no session and the venue
/// goes on; bad certificate options are clear errors.
@Suite struct ServeTLSTests {
    static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A self-signed certificate and its key, made by the openssl tool.
    static func makeCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("venue-cert.pem").path
        let key = directory.appendingPathComponent("venue-key.pem").path
        let openssl = try #require(Self.openssl, "openssl is required (scripts/setup.sh installs it)")
        let made = try ExsimProcess.runProgram(URL(fileURLWithPath: openssl), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "2", "-subj", "/CN=exsim test venue",
        ])
        try #require(made.status == 0, "openssl req: \(made.stderr)")
        return (certificate, key)
    }

    @Test(.enabled(if: (CaptureOracleTests.oraclePython != nil && openssl != nil) || CaptureOracleTests.required,
                   "the oracle Python or openssl is not installed: scripts/setup.sh installs them, and scripts/test.sh runs every oracle test"))
    func ouchOverTLSTradesWithOpenSSLAndExsimLoadAndRefusesPlainTCP() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.makeCertificate(in: directory)
        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml", "--tls-certificate", certificate, "--tls-key", key])
        try serve.waitForPorts()
        let ports = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: serve.portsFile)) as? [String: Any])
        let venue = try #require((ports["venues"] as? [[String: Any]])?.first)
        #expect(venue["tls"] as? Bool == true)
        let ouchPort = try #require(venue["ouchPort"] as? Int)

        // Plain TCP on the TLS port: no SoupBinTCP answer, at most a TLS alert, then the close.
        let plain = try ServeTests.runOracle("plain_login_probe.py", ["127.0.0.1", "\(ouchPort)"])
        #expect(plain.status == 0, "\(plain.standardError)")
        #expect(plain.standardOutput.contains("\"soupbintcp\": false"), "\(plain.standardOutput)")

        // A client whose TLS is OpenSSL's trades and logs out.
        let oracle = try ServeTests.runOracle("live_ouch_session.py",
                                              [serve.portsFile.path, "XSIM", "AAPL", "1900000", "--tls-ca", certificate])
        #expect(oracle.status == 0, "\(oracle.standardError)")

        // exsim load needs to be told how to trust the venue, then trades over TLS.
        let untold = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--rate", "1k/s", "--duration", "200ms"])
        #expect(untold.status == 64 && untold.stderr.contains("--tls-ca"), "\(untold.stderr)")
        let strangerDirectory = directory.appendingPathComponent("stranger")
        try FileManager.default.createDirectory(at: strangerDirectory, withIntermediateDirectories: true)
        let stranger = try Self.makeCertificate(in: strangerDirectory)
        let distrusted = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--tls-ca", stranger.certificate,
                                               "--rate", "1k/s", "--duration", "200ms"])
        #expect(distrusted.status == 69 && distrusted.stderr.contains("TLS with the venue failed"), "\(distrusted.stderr)")
        let out = directory.appendingPathComponent("load")
        let load = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--tls-ca", certificate, "--rate", "2k/s",
                                         "--duration", "1s", "--connections", "2", "--out", out.path])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("orders: 2000 sent, 2000 accepted"), "\(load.stdout)")

        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        // Read once serve has exited: its standard output is a file, flushed at exit.
        #expect(serve.standardOutput.contains("XSIM ouch42 127.0.0.1:") && serve.standardOutput.contains("(TLS)"),
                "\(serve.standardOutput)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let served = try #require((report["venues"] as? [[String: Any]])?.first)
        #expect(served["requests"] as? Int == 2 + 2_000, "the oracle's two orders and the load's")
    }

    /// A certificate authority and a client certificate it signed (CN `name`), made by the openssl tool.
    static func makeClientCertificate(in directory: URL, name: String) throws -> (authority: String, certificate: String, key: String) {
        let openssl = try #require(Self.openssl, "openssl is required (scripts/setup.sh installs it)")
        func path(_ file: String) -> String { directory.appendingPathComponent(file).path }
        let extensions = path("client.ext")
        try Data("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n".utf8)
            .write(to: URL(fileURLWithPath: extensions))
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca-key.pem"), "-out", path("ca.pem"), "-days", "2",
             "-subj", "/CN=exsim test client CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign,cRLSign"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("client-key.pem"), "-out", path("client.csr"), "-subj", "/CN=\(name)"],
            ["x509", "-req", "-in", path("client.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca-key.pem"), "-CAcreateserial",
             "-out", path("client.pem"), "-days", "2", "-extfile", extensions],
        ] {
            let made = try ExsimProcess.runProgram(URL(fileURLWithPath: openssl), arguments)
            try #require(made.status == 0, "openssl \(arguments[0]): \(made.stderr)")
        }
        return (path("ca.pem"), path("client.pem"), path("client-key.pem"))
    }

    /// `--tls-client-ca`: the venue asks every client for a certificate its
    /// authority signed. OpenSSL's client and exsim load with one trade; without
    /// one, or with a stranger's, the handshake fails and the venue goes on.
    @Test(.enabled(if: (CaptureOracleTests.oraclePython != nil && openssl != nil) || CaptureOracleTests.required,
                   "the oracle Python or openssl is not installed: scripts/setup.sh installs them, and scripts/test.sh runs every oracle test"))
    func clientCertificatesAreRequiredWhenTheVenueAsks() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-tls-client")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (venueCertificate, venueKey) = try Self.makeCertificate(in: directory)
        let clientDirectory = directory.appendingPathComponent("client")
        try FileManager.default.createDirectory(at: clientDirectory, withIntermediateDirectories: true)
        let client = try Self.makeClientCertificate(in: clientDirectory, name: "P1")
        let strangerDirectory = directory.appendingPathComponent("stranger")
        try FileManager.default.createDirectory(at: strangerDirectory, withIntermediateDirectories: true)
        let stranger = try Self.makeClientCertificate(in: strangerDirectory, name: "P1")

        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml", "--tls-certificate", venueCertificate, "--tls-key", venueKey,
                                                 "--tls-client-ca", client.authority])
        try serve.waitForPorts()

        // OpenSSL's client: without a certificate it gets no session; with the authority's it trades.
        let anonymous = try ServeTests.runOracle("live_ouch_session.py", [serve.portsFile.path, "XSIM", "AAPL", "1900000",
                                                                          "--tls-ca", venueCertificate])
        #expect(anonymous.status != 0, "\(anonymous.standardOutput)")
        let oracle = try ServeTests.runOracle("live_ouch_session.py", [serve.portsFile.path, "XSIM", "AAPL", "1900000",
                                                                       "--tls-ca", venueCertificate,
                                                                       "--tls-cert", client.certificate, "--tls-key", client.key])
        #expect(oracle.status == 0, "\(oracle.standardError)")

        // exsim load: refused without a certificate and with a stranger's, then trades with the authority's.
        let load = ["load", "--ports-file", serve.portsFile.path, "--tls-ca", venueCertificate, "--rate", "1k/s", "--duration", "200ms"]
        let without = try ExsimProcess.run(load)
        #expect(without.status == 69 && without.stderr.contains("TLS with the venue failed"), "\(without.stderr)")
        let refused = try ExsimProcess.run(load + ["--tls-certificate", stranger.certificate, "--tls-key", stranger.key])
        #expect(refused.status == 69 && refused.stderr.contains("TLS with the venue failed"), "\(refused.stderr)")
        let out = directory.appendingPathComponent("load")
        let accepted = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--tls-ca", venueCertificate,
                                             "--tls-certificate", client.certificate, "--tls-key", client.key,
                                             "--rate", "2k/s", "--duration", "1s", "--connections", "2", "--out", out.path])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("orders: 2000 sent, 2000 accepted"), "\(accepted.stdout)")

        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let served = try #require((report["venues"] as? [[String: Any]])?.first)
        #expect(served["requests"] as? Int == 2 + 2_000, "the oracle's two orders and the load's; none from the refused clients")
    }

    @Test(.enabled(if: openssl != nil || CaptureOracleTests.required, "openssl is not installed: scripts/setup.sh installs it"))
    func badCertificateOptionsAreClearErrors() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-tls-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.makeCertificate(in: directory)
        let alone = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--tls-certificate", certificate, "--duration", "100ms"])
        #expect(alone.status == 64 && alone.stderr.contains("go together"), "\(alone.stderr)")
        let missing = directory.appendingPathComponent("missing.pem").path
        let noFile = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--tls-certificate", missing, "--tls-key", key,
                                           "--duration", "100ms"])
        #expect(noFile.status == 64 && noFile.stderr.contains(missing), "\(noFile.stderr)")
        // The certificate given as the key: not a private key.
        let swapped = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--tls-certificate", certificate,
                                            "--tls-key", certificate, "--duration", "100ms"])
        #expect(swapped.status == 64 && swapped.stderr.contains("private key"), "\(swapped.stderr)")
        let loadBoth = try ExsimProcess.run(["load", "--port", "1", "--symbol", "AAPL", "--price", "1900000", "--tls-ca", certificate,
                                             "--tls-no-verify"])
        #expect(loadBoth.status == 64, "\(loadBoth.stderr)")
        // A client CA needs the venue's TLS; a client certificate needs its key and a TLS mode.
        let caAlone = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--tls-client-ca", certificate, "--duration", "100ms"])
        #expect(caAlone.status == 64 && caAlone.stderr.contains("--tls-client-ca needs --tls-certificate"), "\(caAlone.stderr)")
        let caNotPEM = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--tls-certificate", certificate, "--tls-key", key,
                                             "--tls-client-ca", missing, "--duration", "100ms"])
        #expect(caNotPEM.status == 64 && caNotPEM.stderr.contains(missing), "\(caNotPEM.stderr)")
        let keyless = try ExsimProcess.run(["load", "--port", "1", "--symbol", "AAPL", "--price", "1900000", "--tls-ca", certificate,
                                            "--tls-certificate", certificate])
        #expect(keyless.status == 64 && keyless.stderr.contains("go together"), "\(keyless.stderr)")
        let plainWithCertificate = try ExsimProcess.run(["load", "--port", "1", "--symbol", "AAPL", "--price", "1900000",
                                                         "--tls-certificate", certificate, "--tls-key", key])
        #expect(plainWithCertificate.status == 64 && plainWithCertificate.stderr.contains("--tls-ca"), "\(plainWithCertificate.stderr)")
    }
}
