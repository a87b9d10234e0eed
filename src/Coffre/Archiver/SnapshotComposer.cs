using System.Text;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository;

namespace Coffre.Archiver;

/// <summary>What an application snapshot is labelled with, and how it finds its parent.</summary>
public sealed record ComposeOptions
{
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Hostname recorded in the snapshot; null = this machine's.</summary>
    public string? Hostname { get; init; }
    /// <summary>Which earlier snapshot is the parent (its unchanged media files are not read again); null = none.</summary>
    public Func<Snapshot, bool>? ParentFilter { get; init; }
    /// <summary>The parent, when the caller has already found it (no second read of the snapshots); wins over <see cref="ParentFilter"/>.</summary>
    public SnapshotEntry? Parent { get; init; }
    public int FileWorkers { get; init; } = 2;
    public int BlobWorkers { get; init; } = Math.Max(2, Environment.ProcessorCount);
}

/// <summary>
/// Builds one snapshot from parts placed at chosen paths of its tree — folders (<c>media/uploads</c>), streams
/// (<c>database/main.pgdump</c>), small files (<c>metadata.json</c>) and symlinks — through the same pipeline as a
/// file backup. Folders between the parts are made up (mode 0755, the snapshot's time, this user) unless
/// <see cref="DescribeFolder"/> gave their metadata. Nothing is visible in the
/// repository as a snapshot until <see cref="CommitAsync"/>; disposing without committing leaves only data
/// that no snapshot references.
/// </summary>
public sealed class SnapshotComposer : IAsyncDisposable
{
    private readonly Repository.Repository _repo;
    private readonly TimeProvider _clock;
    private readonly ComposeOptions _options;
    private readonly BackupPipeline _pipeline;
    private readonly VirtualDir _root = new();
    private readonly DateTimeOffset _start;
    private readonly SnapshotEntry? _parent;
    private readonly List<Node>? _parentRoot;
    private readonly List<string> _sources = [];

    private SnapshotComposer(Repository.Repository repo, TimeProvider clock, ComposeOptions options, BackupPipeline pipeline, SnapshotEntry? parent, List<Node>? parentRoot)
    {
        _repo = repo;
        _clock = clock;
        _options = options;
        _pipeline = pipeline;
        _parent = parent;
        _parentRoot = parentRoot;
        _start = clock.GetLocalNow();
    }

    public static async Task<SnapshotComposer> StartAsync(Repository.Repository repo, TimeProvider clock, ComposeOptions options, BackupProgress progress, CancellationToken ct)
    {
        var parent = options.Parent;
        if (parent is null && options.ParentFilter is { } filter)
            parent = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false)).LastOrDefault(s => filter(s.Snapshot));
        var pipeline = new BackupPipeline(repo, progress, options.FileWorkers, options.BlobWorkers, ct);
        var parentRoot = parent is null ? null : await pipeline.TryLoadTreeAsync(parent.Snapshot.Tree).ConfigureAwait(false);
        return new SnapshotComposer(repo, clock, options, pipeline, parent, parentRoot);
    }

    /// <summary>Files that could not be read so far (the snapshot holds everything else).</summary>
    public IReadOnlyList<SourceError> Errors => _pipeline.Errors;

    /// <summary>
    /// Backs up a real folder as <paramref name="treePath"/> (e.g. <c>media/uploads</c>). Returns once every file
    /// below it has been read, so that <see cref="Errors"/> then names each one that could not be (metadata.json,
    /// written after the media, must say whether the backup is complete).
    /// </summary>
    public async Task AddFolderAsync(string treePath, string sourcePath, IReadOnlyList<string> excludes, CancellationToken ct)
    {
        var full = UnixPath.GetFullPath(sourcePath);
        if (!Posix.Exists(full)) throw new CoffreException($"media folder {sourcePath} does not exist: check the configuration");
        var (dir, name) = Place(treePath);
        var previous = await Guard(() => FindPreviousAsync(treePath), ct).ConfigureAwait(false);
        var walker = new FolderWalker(_pipeline, ExcludeMatcher.Within(System.Text.Encoding.UTF8.GetString(full), excludes));
        var task = await Guard(() => walker.WalkAsync(full, name, previous), ct).ConfigureAwait(false);
        await Guard(() => task.WaitAsync(_pipeline.Token), ct).ConfigureAwait(false);
        dir.Leaves.Add(task);
        _sources.Add(Encoding.UTF8.GetString(full));
        await Guard(async () => { await _pipeline.ReleaseIdleBuffersAsync().ConfigureAwait(false); return 0; }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores a stream (a database dump) as the file <paramref name="treePath"/>, reading it to its end before
    /// returning, so the caller can then check that its producer succeeded. Returns the bytes read.
    /// </summary>
    public Task<long> AddStreamAsync(string treePath, Stream content, CancellationToken ct) =>
        AddStreamAsync(treePath, content, template: null, ct);

    /// <summary>
    /// Like <see cref="AddStreamAsync(string, Stream, CancellationToken)"/>, with the file's permissions, times and
    /// owner taken from <paramref name="template"/> (its mode's permission bits, times, uid/gid and names; the rest
    /// of it is ignored). Null: mode 0600, the composer's start time, this user — as for a dump.
    /// </summary>
    public async Task<long> AddStreamAsync(string treePath, Stream content, Node? template, CancellationToken ct)
    {
        var (dir, name) = Place(treePath);
        var node = template is null
            ? NewNode(name, NodeType.File, 0x180 /* 0600: dumps hold the application's data */)
            : FromTemplate(name, NodeType.File, template);
        node.Content = [];
        var previous = await Guard(() => FindPreviousAsync(treePath), ct).ConfigureAwait(false);
        _pipeline.Summary.FileRead(previous is null);
        var job = new FileJob(Encoding.UTF8.GetBytes(treePath), node, previous is null, content);
        var done = await Guard(() => _pipeline.QueueFileAsync(job), ct).ConfigureAwait(false);
        // A worker that fails (the repository's disk is full) or an interruption cancels the pipeline and leaves
        // this job's task pending forever: stop waiting then, and report the worker's error.
        var result = await Guard(() => done.WaitAsync(_pipeline.Token), ct).ConfigureAwait(false);
        if (result is null)
        {
            var error = _pipeline.Errors.LastOrDefault(e => e.Path == treePath);
            throw new CoffreException($"{treePath} could not be read: {error?.Message ?? "read error"}");
        }
        dir.Leaves.Add(Task.FromResult<Node?>(result));
        if (result.Size >= Chunking.Chunker.MaxSize) // a part (a dump), not a small file
            await Guard(async () => { await _pipeline.ReleaseIdleBuffersAsync().ConfigureAwait(false); return 0; }, ct).ConfigureAwait(false);
        return (long)result.Size;
    }

    /// <summary>Stores a small file (e.g. <c>metadata.json</c>).</summary>
    public Task<long> AddBytesAsync(string treePath, ReadOnlyMemory<byte> content, CancellationToken ct) =>
        AddStreamAsync(treePath, new MemoryStream(content.ToArray(), writable: false), ct);

    /// <summary>
    /// Adds a symlink to <paramref name="target"/> (raw bytes, stored as given, never followed) at
    /// <paramref name="treePath"/>, with the permissions, times and owner of <paramref name="template"/>.
    /// </summary>
    public void AddSymlink(string treePath, byte[] target, Node template)
    {
        var (dir, name) = Place(treePath);
        var node = FromTemplate(name, NodeType.Symlink, template);
        node.LinkTarget = target;
        node.Links = 1;
        dir.Leaves.Add(Task.FromResult<Node?>(node));
    }

    /// <summary>
    /// Gives the folder <paramref name="treePath"/> the permissions, times and owner of <paramref name="template"/>
    /// instead of made-up ones. The folder exists from then on, even if nothing is added below it (an empty folder);
    /// describing it again replaces the metadata. Not for folders added with <see cref="AddFolderAsync"/>.
    /// </summary>
    public void DescribeFolder(string treePath, Node template)
    {
        var parts = treePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or "..")) throw new ArgumentException($"invalid folder in snapshot: {treePath}", nameof(treePath));
        var dir = _root;
        foreach (var p in parts[..^1]) dir = Subfolder(dir, p, treePath);
        Subfolder(dir, parts[^1], treePath).Template = template;
    }

    /// <summary>
    /// Waits for everything added, makes it durable (packs, then index) and writes the snapshot last.
    /// <paramref name="paths"/> are recorded as the snapshot's paths (what was backed up, for people and restic).
    /// </summary>
    public Task<BackupResult> CommitAsync(IReadOnlyList<string> paths, CancellationToken ct) => CommitAsync(paths, null, ct);

    /// <summary>
    /// <see cref="CommitAsync(IReadOnlyList{string}, CancellationToken)"/> with <paramref name="time"/> as the
    /// snapshot's time and that of the made-up folders (an imported archive keeps its own time); null: when the
    /// composer started. The summary's start and end stay the real ones.
    /// </summary>
    public async Task<BackupResult> CommitAsync(IReadOnlyList<string> paths, DateTimeOffset? time, CancellationToken ct)
    {
        var snapshotTime = time ?? _start;
        var rootTask = FinishAsync(_root, "", new Node { Name = [], Type = NodeType.Dir }, snapshotTime);
        Node root;
        try { root = await _pipeline.CompleteAsync(rootTask, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _pipeline.ThrowIfFailed();
            throw;
        }
        var recorded = paths.Count > 0 ? paths : _sources;
        return await SnapshotRecorder.SaveAsync(_pipeline, root, _start, _clock.GetLocalNow(), recorded.Count > 0 ? recorded : ["/"],
            _options.Hostname ?? Posix.GetHostName(), _options.Tags, [], _parent, snapshotTime, ct).ConfigureAwait(false);
    }

    private async Task<Node?> FinishAsync(VirtualDir dir, string path, Node node, DateTimeOffset time)
    {
        var kids = new List<Task<Node?>>(dir.Leaves);
        foreach (var (name, sub) in dir.Dirs)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            var folder = sub.Template is { } t ? FromTemplate(bytes, NodeType.Dir, t) : NewNode(bytes, NodeType.Dir, 0x1ED /* 0755 */, time);
            kids.Add(FinishAsync(sub, path + "/" + name, folder, time));
        }
        var previous = path.Length == 0 ? null : await FindPreviousAsync(path).ConfigureAwait(false);
        return await _pipeline.FinishDirAsync(node, kids, previous).ConfigureAwait(false);
    }

    private Node NewNode(byte[] name, NodeType type, uint permissions, DateTimeOffset? time = null)
    {
        var t = GoTime.FromDateTimeOffset(time ?? _start);
        return new Node
        {
            Name = name,
            Type = type,
            Mode = permissions | (type == NodeType.Dir ? 1u << 31 : 0),
            ModTime = t,
            AccessTime = t,
            ChangeTime = t,
            Uid = Posix.EffectiveUserId,
            Gid = Posix.EffectiveGroupId,
            User = UserNames.UserName(Posix.EffectiveUserId),
            Group = UserNames.GroupName(Posix.EffectiveGroupId),
        };
    }

    /// <summary>A node of <paramref name="type"/> with the permissions, times and owner of <paramref name="template"/>.</summary>
    private static Node FromTemplate(byte[] name, NodeType type, Node template) => new()
    {
        Name = name,
        Type = type,
        Mode = (template.Mode & (GoFileMode.ModePerm | GoFileMode.ModeSetuid | GoFileMode.ModeSetgid | GoFileMode.ModeSticky))
            | type switch { NodeType.Dir => GoFileMode.ModeDir, NodeType.Symlink => GoFileMode.ModeSymlink, _ => 0u },
        ModTime = template.ModTime,
        AccessTime = template.AccessTime,
        ChangeTime = template.ChangeTime,
        Uid = template.Uid,
        Gid = template.Gid,
        User = template.User,
        Group = template.Group,
    };

    /// <summary>The folder that will hold <paramref name="treePath"/>, and its last element's name.</summary>
    private (VirtualDir Dir, byte[] Name) Place(string treePath)
    {
        var parts = treePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or "..")) throw new ArgumentException($"invalid path in snapshot: {treePath}", nameof(treePath));
        var dir = _root;
        foreach (var p in parts[..^1]) dir = Subfolder(dir, p, treePath);
        var name = Encoding.UTF8.GetBytes(parts[^1]);
        if (dir.Names.Contains(parts[^1]) || dir.Dirs.ContainsKey(parts[^1])) throw new ArgumentException($"{treePath} is added twice", nameof(treePath));
        dir.Names.Add(parts[^1]);
        return (dir, name);
    }

    /// <summary>The made-up folder <paramref name="name"/> in <paramref name="dir"/>, created when missing.</summary>
    private static VirtualDir Subfolder(VirtualDir dir, string name, string treePath)
    {
        if (dir.Dirs.TryGetValue(name, out var next)) return next;
        if (dir.Names.Contains(name)) throw new ArgumentException($"{treePath}: {name} is a file, not a folder", nameof(treePath));
        return dir.Dirs[name] = new VirtualDir();
    }

    /// <summary>The parent snapshot's node at <paramref name="treePath"/>, if any.</summary>
    private async Task<Node?> FindPreviousAsync(string treePath)
    {
        var nodes = _parentRoot;
        Node? node = null;
        foreach (var part in treePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (nodes is null) return null;
            var name = Encoding.UTF8.GetBytes(part);
            node = nodes.Find(n => n.Name.AsSpan().SequenceEqual(name));
            if (node is null) return null;
            nodes = node.Subtree is { } sub ? await _pipeline.TryLoadTreeAsync(sub).ConfigureAwait(false) : null;
        }
        return node;
    }

    /// <summary>Runs a step; when a worker failed and cancelled it, reports the worker's error instead.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> step, CancellationToken ct)
    {
        try { return await step().ConfigureAwait(false); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _pipeline.ThrowIfFailed();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    private sealed class VirtualDir
    {
        public SortedDictionary<string, VirtualDir> Dirs { get; } = new(StringComparer.Ordinal);
        public List<Task<Node?>> Leaves { get; } = [];
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
        /// <summary>Metadata given by <see cref="DescribeFolder"/>; null: made up.</summary>
        public Node? Template { get; set; }
    }
}
