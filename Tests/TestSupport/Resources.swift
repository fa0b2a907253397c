import Foundation

/// The test resources, one copy of each, shared by every test target: the benchmark codes' parity-check
/// files (as distributed with the papers), the reference fixtures copied from the team's shared folder
/// (one subfolder each), and golden files.
public enum TestResources {
    /// Path of a resource, e.g. `"BCH_N63_K45.txt"` or `"ecct-bch63-45-N2-d32/weights.safetensors"`.
    public static func path(_ name: String) -> String {
        let base = URL(
            fileURLWithPath: Bundle.module.path(forResource: "Resources", ofType: nil)
                ?? Bundle.module.bundlePath + "/Resources")
        let url = base.appendingPathComponent(name)
        precondition(
            FileManager.default.fileExists(atPath: url.path), "test resource '\(name)' is missing from \(base.path)")
        return url.path
    }
}

/// A fresh folder under the temporary directory for one test process, removed by nobody (the system's
/// temporary-file cleaning owns it), so a failing test leaves its files to inspect.
public enum TemporaryFolder {
    public static func path(_ name: String, group: String = "eccbench-tests") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(group)-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }
}
