/// Runs a typed-throwing body over a string's UTF-8 bytes (`withUTF8` only rethrows `any Error`).
public func withBytes<T, E: Error>(
    _ text: String, _ body: (UnsafeRawBufferPointer) throws(E) -> T
) throws(E) -> T {
    var text = text
    let result: Result<T, E> = text.withUTF8 { buffer in
        do throws(E) {
            return .success(try body(UnsafeRawBufferPointer(buffer)))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
