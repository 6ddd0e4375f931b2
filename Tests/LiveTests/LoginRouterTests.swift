import Live
import Testing
import Wire

@Suite struct LoginRouterTests {
    let accounts = LiveAccounts(count: 12)

    func route(_ bytes: [UInt8], _ listener: LoginRouter.Listener) -> LoginRouter.Route? {
        bytes.withUnsafeBytes { LoginRouter.route($0, listener: listener, accounts: accounts) }
    }

    @Test func accountNamesFollowTheSimulatorsParticipants() {
        #expect(accounts.name(0) == "P1")
        #expect(accounts.name(9) == "PA")
        #expect(accounts.index(named: "PC") == 11)
        #expect(accounts.index(named: "PD") == nil, "beyond the count")
        #expect(accounts.index(named: "P0") == nil)
    }

    @Test func aSoupBinTCPLoginIsRoutedByUsernameOnceItsUsernameArrived() {
        var login: [UInt8] = [0, 47, UInt8(ascii: "L")] + Array("PA    ".utf8) + Array("exsim     ".utf8)
        login += Array(repeating: UInt8(ascii: " "), count: 29) + Array("1".utf8)
        #expect(route(Array(login.prefix(8)), .ouch42) == nil, "the username is not whole yet")
        #expect(route(login, .ouch42) == LoginRouter.Route(account: 9, fixVersion: nil, recognised: true))
    }

    @Test func anUnknownUsernameOrAnotherPacketGoesToTheFirstAccountsPortToBeRefused() {
        let unknown: [UInt8] = [0, 47, UInt8(ascii: "L")] + Array("ZZ    ".utf8)
        #expect(route(unknown, .ouch42) == LoginRouter.Route(account: 0, fixVersion: nil, recognised: false))
        #expect(route([0, 1, UInt8(ascii: "R")], .ouch42)?.recognised == false)
    }

    @Test func aFIXLogonIsRoutedBySenderCompIDAndBeginString() {
        let logon = Array("8=FIX.4.4\u{1}9=70\u{1}35=A\u{1}34=1\u{1}49=P3\u{1}56=XFIX\u{1}52=20260105-09:30:00.000\u{1}98=0\u{1}108=30\u{1}10=123\u{1}".utf8)
        #expect(route(Array(logon.dropLast(4)), .fix([.fix42, .fix44])) == nil, "the checksum is not whole yet")
        #expect(route(logon, .fix([.fix42, .fix44])) == LoginRouter.Route(account: 2, fixVersion: .fix44, recognised: true))
        #expect(route(logon, .fix([.fix42]))?.recognised == false, "a version the venue does not take")
    }
}
