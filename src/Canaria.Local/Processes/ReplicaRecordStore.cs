using System.Globalization;
using System.Text.Json;

namespace Canaria.Local.Processes;

/// <summary>Reads and writes <see cref="ReplicaRecord"/> files under <c>&lt;stateDir&gt;/replicas</c>.</summary>
internal sealed class ReplicaRecordStore(string stateDirectory)
{
    public string Root { get; } = Path.Combine(stateDirectory, "replicas");

    public string PathOf(string setKey, int index, bool outgoing = false) =>
        Path.Combine(Root, setKey, index.ToString(CultureInfo.InvariantCulture) + (outgoing ? ".old.json" : ".json"));

    /// <summary>Writes atomically (temp file + rename) so a killed controller never leaves half a record.</summary>
    public void Write(ReplicaRecord record)
    {
        var path = PathOf(record.SetKey, record.Index, record.Outgoing);
        State.PrivateFiles.CreateDirectory(Root);
        State.PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = State.PrivateFiles.FileMode;
        using (var stream = new FileStream(temp, options))
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(record, ReplicaRecordJsonContext.Default.ReplicaRecord));
        File.Move(temp, path, overwrite: true);
    }

    public void Delete(string setKey, int index, bool outgoing = false) => DeleteFile(PathOf(setKey, index, outgoing));

    public void DeleteFile(string path)
    {
        File.Delete(path);
        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                // a record was written concurrently: keep the directory
            }
        }
    }

    /// <summary>All readable records; unreadable files are returned as paths to delete.</summary>
    public (IReadOnlyList<ReplicaRecord> Records, IReadOnlyList<string> Unreadable) ReadAll()
    {
        var records = new List<ReplicaRecord>();
        var unreadable = new List<string>();
        if (!Directory.Exists(Root))
            return (records, unreadable);
        foreach (var file in Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories))
        {
            try
            {
                var record = JsonSerializer.Deserialize(File.ReadAllBytes(file), ReplicaRecordJsonContext.Default.ReplicaRecord);
                if (record is not null && PathOf(record.SetKey, record.Index, record.Outgoing) == file)
                    records.Add(record);
                else
                    unreadable.Add(file);
            }
            catch (JsonException)
            {
                unreadable.Add(file);
            }
        }
        return (records, unreadable);
    }
}
