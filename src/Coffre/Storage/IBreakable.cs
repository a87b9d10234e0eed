namespace Coffre.Storage;

/// <summary>
/// A backend whose session can break for good (rclone's child exited): the opener then starts a new one instead of
/// handing out the broken one again.
/// </summary>
public interface IBreakable
{
    bool IsBroken { get; }
}
