import NIOCore
import Testing

@testable import HabilisApp

@Suite("The HTML writer escapes data for where it lands")
struct HTMLWriterTests {
    func written(_ write: (inout HTMLWriter) -> Void) -> String {
        var html = HTMLWriter(capacity: 16)
        write(&html)
        return String(buffer: html.buffer)
    }

    @Test("text and attribute values cannot end their element or their quotes")
    func escaping() {
        let hostile = "<b>\"a\" & 'b'</b> l’été"
        #expect(written { $0.text(hostile) } == "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt; l’été")
        #expect(written { $0.attribute(hostile) } == "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt; l’été")
        #expect(written { $0.text(nil as String?) } == "")
        #expect(written { $0.text(42) } == "42")
    }

    @Test(
        "only relative, https, http, mailto and otpauth URLs are written; any other scheme becomes #",
        arguments: [
            ("/demandes/1?page=2#historique", "/demandes/1?page=2#historique"),
            ("https://paie.example/a?b=1&c=2", "https://paie.example/a?b=1&amp;c=2"),
            ("HTTP://paie.example/", "HTTP://paie.example/"),
            ("mailto:webmaster@ucanss.fr", "mailto:webmaster@ucanss.fr"),
            ("otpauth://totp/UCANSS?secret=A", "otpauth://totp/UCANSS?secret=A"), ("page?x=a:b", "page?x=a:b"),
            ("javascript:alert(1)", "#"), (" JavaScript:alert(1)", "#"), ("data:text/html,<b>", "#"),
            ("vbscript:x", "#"), ("\"onmouseover=\"x", "&quot;onmouseover=&quot;x"),
        ])
    func urls(url: String, expected: String) {
        #expect(written { $0.url(url) } == expected)
    }

    @Test("a page's next buffer is sized from its last render")
    func sizing() {
        let page = ErrorPage(frame: Fixture.frame(), heading: Fixture.long, message: Fixture.long, correlationID: nil)
        let first = page.render()
        let second = page.render()
        #expect(second.capacity >= first.readableBytes)
        #expect(String(buffer: first) == String(buffer: second))
    }
}
