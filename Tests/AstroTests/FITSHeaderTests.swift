import Testing
@testable import Astro

@Suite struct FITSHeaderTests {
    @Test func setReplacesInPlaceAndKeepsComment() {
        var h = FITSHeader([FITSCard("BMAJ", .real(0.007), comment: "deg"), FITSCard("HISTORY", nil, comment: "made")])
        h.set("bmaj", .real(0.008))
        #expect(h.double("BMAJ") == 0.008)
        #expect(h.cards[0].comment == "deg")
        h.set("OBJECT", .string("RACS_1237+12A_3165"))
        #expect(h.cards.last?.keyword == "OBJECT")
        #expect(h.history == ["made"])
        #expect(h["HISTORY"] == nil)
    }

    @Test func numbersWiden() {
        #expect(FITSValue.integer(3).double == 3)
        #expect(FITSValue.real(4).int == 4)
        #expect(FITSValue.real(4.5).int == nil)
        #expect(FITSValue.string("x").double == nil)
    }
}
