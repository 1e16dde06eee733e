using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Canaria.Gateway.Managed;

/// <summary>
/// Passes open file descriptors (listening sockets) between processes over a Unix domain socket with
/// SCM_RIGHTS, as HAProxy and nginx hand listeners to their successor. The receiver gets its own descriptor
/// for the same open socket, so the listen queue is shared: no connection is refused during a handover.
/// Linux x64/arm64 layouts only (msghdr and cmsghdr with 64-bit size fields).
/// </summary>
internal static partial class SocketPassing
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int CmsgHeaderBytes = 16; // size_t cmsg_len; int cmsg_level; int cmsg_type
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>Sends one message: <paramref name="payload"/> and, when given, one descriptor with it.</summary>
    public static unsafe void Send(Socket channel, ReadOnlySpan<byte> payload, int? descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxPayloadBytes);
        var control = stackalloc byte[CmsgHeaderBytes + 8];
        new Span<byte>(control, CmsgHeaderBytes + 8).Clear();
        fixed (byte* data = payload)
        {
            var iov = new IoVec { Base = data, Length = (nuint)payload.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1 };
            if (descriptor is { } fd)
            {
                *(ulong*)control = CmsgHeaderBytes + sizeof(int);
                *(int*)(control + 8) = SolSocket;
                *(int*)(control + 12) = ScmRights;
                *(int*)(control + CmsgHeaderBytes) = fd;
                header.Control = control;
                header.ControlLength = CmsgHeaderBytes + 8;
            }

            var sent = SendMsg((int)channel.SafeHandle.DangerousGetHandle(), &header, 0);
            if (sent < 0) throw new SocketException(Marshal.GetLastPInvokeError());
            if (sent != payload.Length) throw new IOException($"sent {sent} of {payload.Length} bytes of a handover message");
        }
    }

    /// <summary>Receives one message (the channel must be SOCK_SEQPACKET) and the descriptor sent with it, if any; null payload at end of stream.</summary>
    public static unsafe (byte[]? Payload, int? Descriptor) Receive(Socket channel, bool closeOnExec)
    {
        var buffer = new byte[MaxPayloadBytes];
        var control = stackalloc byte[CmsgHeaderBytes + 8];
        new Span<byte>(control, CmsgHeaderBytes + 8).Clear();
        fixed (byte* data = buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = CmsgHeaderBytes + 8 };
            // A gateway takes descriptors without FD_CLOEXEC (see KeepOnDispose; it starts no processes that could inherit
            // them); a controller, which starts replicas, takes them with it and closes them with Close, never Dispose.
            var received = RecvMsg((int)channel.SafeHandle.DangerousGetHandle(), &header, closeOnExec ? 0x40000000 : 0);
            if (received < 0) throw new SocketException(Marshal.GetLastPInvokeError());
            if (received == 0) return (null, null);
            int? fd = null;
            if (header.ControlLength >= CmsgHeaderBytes + sizeof(int) && *(int*)(control + 8) == SolSocket && *(int*)(control + 12) == ScmRights)
                fd = *(int*)(control + CmsgHeaderBytes);
            if ((header.Flags & 0x8) != 0) // MSG_CTRUNC
                throw new IOException("a handover message carried more descriptors than expected");
            return (buffer[..(int)received], fd);
        }
    }

    /// <summary>
    /// Clears FD_CLOEXEC on a listening socket shared with another process. .NET, when it disposes a socket that has
    /// FD_CLOEXEC set, "disconnects" it to unblock pending operations, which on Linux stops a listening socket from
    /// listening and drops its queue for every process that shares it; a socket without the flag is only closed.
    /// </summary>
    public static void KeepOnDispose(Socket socket)
    {
        if (Fcntl((int)socket.SafeHandle.DangerousGetHandle(), 2 /* F_SETFD */, 0) < 0) throw new SocketException(Marshal.GetLastPInvokeError());
    }

    /// <summary>Closes this process's descriptor of a shared socket without .NET's "disconnect", which would stop it for every holder.</summary>
    public static void Close(Socket socket)
    {
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        socket.SafeHandle.SetHandleAsInvalid();
        Close(fd);
    }

    public static void Close(int fd) => _ = CloseFd(fd);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static unsafe partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static unsafe partial nint RecvMsg(int socket, MsgHdr* message, int flags);
}
