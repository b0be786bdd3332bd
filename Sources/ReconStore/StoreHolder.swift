#if canImport(Glibc)
    import Glibc
#endif

/// Who holds an SQLite store for writing, said in a small file beside it (`STORE-holder`) for
/// as long as the transaction lasts, so that a writer that waited in vain can name the run it
/// waited for: the run's number, the command and its process. The file is replaced whole
/// (written aside, then renamed) and removed when the transaction ends; one left by a process
/// that died is recognized by its process being gone.
struct StoreHolder {
    let path: String

    init(store: String) { path = store + "-holder" }

    /// Says that this process holds the store, doing `what`.
    func announce(_ what: String) {
        let aside = path + ".\(getpid())"
        let fd = open(aside, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        let text = Array("\(getpid())\n\(what)\n".utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != text.count || rename(aside, path) != 0 { unlink(aside) }
    }

    /// Removes the announcement, when it is this process's.
    func withdraw() {
        guard let (pid, _) = read(), pid == getpid() else { return }
        unlink(path)
    }

    /// What the holder said, when its process is alive.
    func current() -> String? {
        guard let (pid, what) = read(), kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return "\(what), process \(pid)"
    }

    private func read() -> (pid: Int32, what: String)? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let lines = bytes[..<n].split(separator: 0x0A, maxSplits: 1)
        guard lines.count == 2, let pid = Int32(String(decoding: lines[0], as: UTF8.self)), pid > 0 else { return nil }
        let what = lines[1].last == 0x0A ? lines[1].dropLast() : lines[1]
        return (pid, String(decoding: what, as: UTF8.self))
    }
}
