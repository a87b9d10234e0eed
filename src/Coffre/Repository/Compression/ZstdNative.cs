using System.Runtime.InteropServices;

namespace Coffre.Repository.Compression;

/// <summary>P/Invoke surface of Debian's libzstd.so.1 (1.5.x). size_t is nuint.</summary>
internal static partial class ZstdNative
{
    private const string Lib = "libzstd.so.1";

    // ZSTD_ErrorCode values used for nicer exceptions.
    public const int ErrorDstSizeTooSmall = 70;

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct InBuffer
    {
        public byte* Src;
        public nuint Size;
        public nuint Pos;
    }

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct OutBuffer
    {
        public byte* Dst;
        public nuint Size;
        public nuint Pos;
    }

    [LibraryImport(Lib, EntryPoint = "ZSTD_compressBound")]
    public static partial nuint CompressBound(nuint srcSize);

    [LibraryImport(Lib, EntryPoint = "ZSTD_isError")]
    public static partial uint IsError(nuint code);

    [LibraryImport(Lib, EntryPoint = "ZSTD_getErrorCode")]
    public static partial int GetErrorCode(nuint code);

    [LibraryImport(Lib, EntryPoint = "ZSTD_getErrorName")]
    public static partial nint GetErrorName(nuint code);

    [LibraryImport(Lib, EntryPoint = "ZSTD_createCCtx")]
    public static partial ZstdCCtxHandle CreateCCtx();

    [LibraryImport(Lib, EntryPoint = "ZSTD_freeCCtx")]
    public static partial nuint FreeCCtx(nint cctx);

    [LibraryImport(Lib, EntryPoint = "ZSTD_createDCtx")]
    public static partial ZstdDCtxHandle CreateDCtx();

    [LibraryImport(Lib, EntryPoint = "ZSTD_freeDCtx")]
    public static partial nuint FreeDCtx(nint dctx);

    /// <summary>Compresses at the given level, ignoring sticky parameters (so: content size written, no checksum).</summary>
    [LibraryImport(Lib, EntryPoint = "ZSTD_compressCCtx")]
    public static unsafe partial nuint CompressCCtx(ZstdCCtxHandle cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int level);

    [LibraryImport(Lib, EntryPoint = "ZSTD_decompressDCtx")]
    public static unsafe partial nuint DecompressDCtx(ZstdDCtxHandle dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Lib, EntryPoint = "ZSTD_DCtx_reset")]
    public static partial nuint DCtxReset(ZstdDCtxHandle dctx, int reset);

    public const int ResetSessionOnly = 1;

    [LibraryImport(Lib, EntryPoint = "ZSTD_decompressStream")]
    public static unsafe partial nuint DecompressStream(ZstdDCtxHandle dctx, OutBuffer* output, InBuffer* input);

    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8(GetErrorName(code)) ?? "unknown zstd error";
}

internal sealed class ZstdCCtxHandle : SafeHandle
{
    public ZstdCCtxHandle() : base(0, ownsHandle: true) { }
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle()
    {
        ZstdNative.FreeCCtx(handle);
        return true;
    }
}

internal sealed class ZstdDCtxHandle : SafeHandle
{
    public ZstdDCtxHandle() : base(0, ownsHandle: true) { }
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle()
    {
        ZstdNative.FreeDCtx(handle);
        return true;
    }
}
