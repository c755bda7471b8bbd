import Foundation
import OpenAIClient
import Testing

/// The client core avoids full Foundation (no DateFormatter, CharacterSet, FileHandle): these pin
/// the hand-written replacements (non-ASCII letters are now percent-encoded too, as RFC 3986 wants).
@Suite struct FoundationFreeHelpersTests {
    private func head(retryAfter: String) -> TransportResponseHead {
        TransportResponseHead(status: 503, headers: ["Retry-After": retryAfter])
    }

    @Test func retryAfterAcceptsAllThreeHTTPDateForms() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 10 s before Wed, 21 Oct 2015 07:28:00 GMT
        for form in ["Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT", "Wed Oct 21 07:28:00 2015",
                     "  Wed, 21 Oct 2015 07:28:00 GMT\t"] {
            #expect(RetryPolicy.retryAfter(head(retryAfter: form), now: now) == 10, "\(form)")
        }
        let leap = Date(timeIntervalSince1970: 951_782_400)  // 2000-02-29 00:00:00 GMT
        #expect(RetryPolicy.retryAfter(head(retryAfter: "Tue, 29 Feb 2000 00:00:05 GMT"), now: leap) == 5)
    }

    @Test func retryAfterIgnoresWhatIsNotADate() {
        let now = Date(timeIntervalSince1970: 0)
        for bad in ["soon", "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 25:28:00 GMT", ""] {
            #expect(RetryPolicy.retryAfter(head(retryAfter: bad), now: now) == nil, "\(bad)")
        }
    }

    @Test func pathSegmentsAndQueryValuesArePercentEncoded() async throws {
        let (client, rec) = scriptedClient([.success(.json(200, #"{"object":"list","data":[],"has_more":false}"#)),
                                            .success(errorReply(404))], maxRetries: 0)
        _ = try await client.files.list(purpose: "a b&c=d/é", after: "file-x~y")
        _ = try? await client.files.retrieve("a/b?c#d é")
        let urls = rec.requests.map { $0.request.url.absoluteString }
        #expect(urls.first?.contains("purpose=a%20b%26c%3Dd%2F%C3%A9") == true, "\(urls)")
        #expect(urls.first?.contains("after=file-x~y") == true, "\(urls)")
        #expect(urls.last?.hasSuffix("/files/a%2Fb%3Fc%23d%20%C3%A9") == true, "\(urls)")
    }
}
