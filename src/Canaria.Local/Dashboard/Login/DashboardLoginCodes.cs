using System.Security.Cryptography;
using System.Text;

namespace Canaria.Local.Dashboard.Login;

/// <summary>
/// One-time login codes for printed links, so the long-lived secret (the controller's token, the cluster dashboard's
/// per-run token) never sits in a browser's history or a terminal's scrollback: a code logs one browser in, once, within
/// <see cref="Lifetime"/>. Codes are 256 random bits; a presented code is compared with every remembered one in constant
/// time (no early exit, no hash lookup keyed by the secret). At most <see cref="MaxRemembered"/> are remembered (the
/// oldest goes first); used and expired ones are kept a while so the refusal can say which it was.
/// </summary>
internal sealed class DashboardLoginCodes(TimeProvider time)
{
    public const int MaxRemembered = 32;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(30);

    private readonly Lock _gate = new();
    private readonly List<Entry> _codes = [];

    /// <summary>A new code, valid once for <see cref="Lifetime"/>.</summary>
    public string Issue()
    {
        var code = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _codes.RemoveAll(e => now - e.IssuedAt > Remembered);
            if (_codes.Count >= MaxRemembered) _codes.RemoveAt(0);
            _codes.Add(new Entry(Encoding.ASCII.GetBytes(code), now));
        }
        return code;
    }

    /// <summary>Uses up the code if it is live; otherwise says why it is refused. Never accepts the same code twice.</summary>
    public LoginCodeResult Redeem(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 128) return LoginCodeResult.Unknown;
        var bytes = Encoding.UTF8.GetBytes(presented);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Entry? match = null;
            foreach (var entry in _codes)
            {
                if (CryptographicOperations.FixedTimeEquals(entry.Code, bytes)) match = entry;
            }
            if (match is null) return LoginCodeResult.Unknown;
            if (match.Used) return LoginCodeResult.Used;
            if (now - match.IssuedAt >= Lifetime) return LoginCodeResult.Expired;
            match.Used = true;
            return LoginCodeResult.Accepted;
        }
    }

    private sealed class Entry(byte[] code, DateTimeOffset issuedAt)
    {
        public byte[] Code { get; } = code;
        public DateTimeOffset IssuedAt { get; } = issuedAt;
        public bool Used { get; set; }
    }
}
