public import CSupport

/// Hints to start loading cache lines before they are read: Swift has no prefetch of its own.
/// A hint never faults, so the address may be stale or wrong; it is never read through.
public enum Prefetch {
    @inlinable public static func read(_ address: UnsafeRawPointer?) {
        recon_prefetch(address)
    }

    /// Where element `index` of `array` lies, as a plain number: taken once per array before a
    /// loop that prefetches many elements (reading the base address per element retained the
    /// array's buffer). Valid while the array is not changed; used only for hints.
    @inlinable public static func base<T>(of array: [T]) -> UInt {
        array.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// The hint for element `index` of an array whose `base` was taken with `base(of:)`.
    @inlinable public static func element<T>(_ index: Int, of type: T.Type, base: UInt) {
        recon_prefetch(UnsafeRawPointer(bitPattern: base &+ UInt(MemoryLayout<T>.stride) &* UInt(bitPattern: index)))
    }
}
