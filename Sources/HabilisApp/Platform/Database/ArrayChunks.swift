extension Array {
    /// The elements in consecutive slices of at most `size` (bound values per statement, batches of work).
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
