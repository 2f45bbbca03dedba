/// Counts the CPUs and memory of running tasks against the machine's (or the user's) budget.
/// A task asking for more than the whole budget is clamped, so it can still run alone.
struct ResourceTokens {
    let cpus: Int
    let memoryMB: Int
    private(set) var usedCPUs = 0
    private(set) var usedMemoryMB = 0

    init(cpus: Int, memoryMB: Int) {
        self.cpus = max(1, cpus)
        self.memoryMB = max(0, memoryMB)
    }

    private func need(_ cpusWanted: Int, _ mem: Int) -> (Int, Int) {
        (min(max(1, cpusWanted), cpus), memoryMB == 0 ? 0 : min(max(0, mem), memoryMB))
    }

    func fits(cpus c: Int, memoryMB m: Int) -> Bool {
        let (c, m) = need(c, m)
        return usedCPUs + c <= cpus && (memoryMB == 0 || usedMemoryMB + m <= memoryMB)
    }

    mutating func take(cpus c: Int, memoryMB m: Int) {
        let (c, m) = need(c, m)
        usedCPUs += c
        usedMemoryMB += m
    }

    mutating func give(cpus c: Int, memoryMB m: Int) {
        let (c, m) = need(c, m)
        usedCPUs -= c
        usedMemoryMB -= m
    }
}
