import ArgumentParser

public struct Arrakis: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(commandName: "arrakis")
}
