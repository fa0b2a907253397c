import Base
import Foundation

/// The one checkpoint layout of every training run: a safetensors file with the parameters under the family's
/// reference names (and the family's extra tensors), Adam's moments (`optimizer.exp_avg`, `optimizer.exp_avg_sq`), and
/// in the metadata the family's `format` tag, its model description, the settings (`training`, JSON), the run state
/// (`state`, JSON: step, seconds, curve, the unfinished epoch's sums) and Adam's step. Reference tools that read the
/// weights by name ignore the rest. Writes are atomic (temp file + rename).
public enum RunCheckpoint {
    /// A stored run as read back: everything a family needs to rebuild its model and continue.
    public struct Stored<Recipe: TrainingRecipe> {
        public let path: String
        public let tensors: [String: Tensor]
        public let metadata: [String: String]
        public let settings: Recipe.Settings
        public let state: TrainingRun<Recipe>.State
    }

    public static func save<Recipe: TrainingRecipe>(
        _ run: TrainingRun<Recipe>, notes: [String: String] = [:],
        to path: String
    ) throws {
        try write(
            parameters: run.network.parameters, extra: run.recipe.extraTensors(),
            metadata: notes.merging(run.recipe.checkpointMetadata()) { _, family in family },
            format: Recipe.checkpointFormat, optimizer: run.optimizer, settings: run.settings, state: run.state,
            to: path)
    }

    /// Writes a checkpoint from its parts (a weights-only file when optimizer, settings and state are nil).
    public static func write(
        parameters: ParameterSet, extra: [String: Tensor] = [:], metadata: [String: String],
        format: String, optimizer: Adam?, settings: (some Encodable)?, state: (some Encodable)?,
        to path: String
    ) throws {
        var tensors = parameters.tensors.merging(extra) { own, _ in own }
        var meta = metadata
        meta["format"] = format
        optimizer?.store(into: &tensors, metadata: &meta, parameterCount: parameters.count)
        if let settings { meta["training"] = try CheckpointMetadata.encode(settings) }
        if let state { meta["state"] = try CheckpointMetadata.encode(state) }
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// Reads a checkpoint of `Recipe`'s family; throws a `CheckpointError` naming the file when it is of another
    /// family (its `format` tag) or its settings or state are missing or not valid.
    public static func read<Recipe: TrainingRecipe>(_ family: Recipe.Type, path: String, familyName: String) throws
        -> Stored<Recipe>
    {
        let (tensors, meta) = try SafeTensors.read(path: path)
        guard meta["format"] == Recipe.checkpointFormat else {
            throw CheckpointError(
                "\(path): not an eccbench \(familyName) checkpoint (metadata 'format' is "
                    + "\(meta["format"].map { "'\($0)'" } ?? "missing"), expected '\(Recipe.checkpointFormat)')")
        }
        let settings = try CheckpointMetadata.decode(Recipe.Settings.self, key: "training", from: meta, path: path)
        do { try settings.validate() } catch let e as SettingsError {
            throw CheckpointError("\(path): the stored settings (metadata 'training') are not valid: \(e.message)")
        }
        let state = try CheckpointMetadata.decode(TrainingRun<Recipe>.State.self, key: "state", from: meta, path: path)
        try state.check(settings: settings, path: path)
        return Stored(path: path, tensors: tensors, metadata: meta, settings: settings, state: state)
    }

    /// The settings a resumed run continues with: `adjust` (the command's options laid over the stored settings)
    /// may change only the resumable fields; any other change throws `ResumeMismatch` naming every changed field.
    public static func resumedSettings<Settings: RunSettings>(
        _ stored: Settings, path: String,
        adjust: ((Settings) throws -> Settings)?
    ) throws -> Settings {
        guard let adjust else { return stored }
        let requested = try adjust(stored)
        let changes = try Settings.changes(from: stored, to: requested)
        guard changes.isEmpty else { throw ResumeMismatch(path: path, changes: changes) }
        try requested.validate()
        return requested
    }

    /// Adam as stored (moments and step), with the settings' optimiser options.
    public static func optimizer<Recipe: TrainingRecipe>(
        of stored: Stored<Recipe>, settings: Recipe.Settings,
        parameterCount: Int
    ) throws -> Adam {
        var adam = settings.makeOptimizer()
        try adam.restore(
            from: stored.tensors, metadata: stored.metadata, parameterCount: parameterCount,
            path: stored.path)
        // one Adam step a training step (a non-finite step is not taken by either)
        guard adam.step <= stored.state.step else {
            throw CheckpointError(
                "\(stored.path): metadata 'adam_step' is \(adam.step), more than the run's \(stored.state.step) steps")
        }
        return adam
    }

    /// The stored run continued with `model` (its weights loaded) and `settings`: Adam and the state as stored.
    public static func run<Recipe: TrainingRecipe>(
        _ stored: Stored<Recipe>, model: Recipe.Model, settings: Recipe.Settings, workers: Int,
        parallel: DataParallelRequest = .init()
    ) throws -> TrainingRun<Recipe> {
        let recipe = try Recipe(model: model, settings: settings)
        if let context = stored.state.context, let problem = recipe.problem(withStoredContext: context) {
            throw CheckpointError("\(stored.path): metadata 'state': context: \(problem)")
        }
        let adam = try optimizer(of: stored, settings: settings, parameterCount: recipe.network.parameters.count)
        return try TrainingRun(
            recipe: recipe, workers: workers, state: stored.state, optimizer: adam, parallel: parallel)
    }

    /// Throws unless the stored sizes (layers N from the layer tensors, width d from `widthTensor`'s last axis) are the
    /// stored settings' ones: a corrupted setting is refused before a model is built from it.
    public static func checkSizes<Recipe: TrainingRecipe>(
        of stored: Stored<Recipe>, layers: Int, width: Int, widthTensor: String, layerProbe: (Int) -> String
    ) throws {
        var storedLayers = 0
        while storedLayers <= 64, stored.tensors[layerProbe(storedLayers)] != nil { storedLayers += 1 }
        let storedWidth = stored.tensors[widthTensor]?.shape.last
        guard storedLayers == layers, storedWidth == width else {
            throw CheckpointError(
                "\(stored.path): the stored settings say N = \(layers), d = \(width); the stored weights are N = "
                    + "\(storedLayers), d = \(storedWidth.map(String.init) ?? "? (no '\(widthTensor)')")")
        }
    }

    /// Everything stored under a name that is not a parameter: Adam's moments.
    public static func isOptimizerTensor(_ name: String) -> Bool { name.hasPrefix("optimizer.") }
}
