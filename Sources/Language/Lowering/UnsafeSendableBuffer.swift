/// Lets concurrentPerform fill disjoint slots of one buffer.
package struct UnsafeSendableBuffer<T>: @unchecked Sendable {
    package let buffer: UnsafeMutableBufferPointer<T>
    package init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}
