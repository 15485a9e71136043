import Fluent
import Foundation

/// A question and its answer on the assistance page.
public final class FAQEntry: Model, @unchecked Sendable {
    public static let schema = "faq_entries"

    @ID(key: .id) public var id: UUID?
    @Field(key: "question") public var question: String
    @Field(key: "answer") public var answer: String
    @Field(key: "position") public var position: Int
    @Field(key: "is_active") public var isActive: Bool

    public init() {}

    public init(question: String, answer: String, position: Int) {
        self.question = question
        self.answer = answer
        self.position = position
        self.isActive = true
    }
}
