import Vapor

/// A form posted by a browser; an undecodable body (hostile, duplicated or malformed fields) counts as an empty
/// form, so that the page answers with its field messages instead of an error.
protocol PostedForm: Content {
    init()
}

extension PostedForm {
    static func decode(_ request: Request) -> Self {
        (try? request.content.decode(Self.self)) ?? Self()
    }
}
