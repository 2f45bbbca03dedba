import Foundation

/// Time limits as SLURM writes them: `D-HH:MM:SS`.
enum SlurmDuration {
    static func text(_ seconds: Int) -> String {
        let s = max(1, seconds)
        let d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60, sec = s % 60
        let hms = String(format: "%02d:%02d:%02d", h, m, sec)
        return d > 0 ? "\(d)-\(hms)" : hms
    }
}
