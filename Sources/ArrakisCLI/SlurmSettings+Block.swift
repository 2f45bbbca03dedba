import Exec
import Rules

extension SlurmSettings {
    /// The executor's defaults with what the `executor slurm` block sets laid over them.
    init(_ block: SlurmBlock) {
        self.init()
        account = block.account
        partition = block.partition
        qos = block.qos
        timeSeconds = block.timeSeconds
        memoryMB = block.memoryMB
        cpus = block.cpus
        sbatchLines = block.sbatchLines
        prologue = block.prologue
        if let v = block.maxJobs { maxJobs = v }
        if let v = block.minJobs { minJobs = v }
        if let v = block.pollSeconds { pollSeconds = v }
        tasksPerJob = block.tasksPerJob
        if let v = block.jobSeconds { jobSeconds = v }
        arrakisPath = block.arrakisPath
    }
}
