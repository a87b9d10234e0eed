namespace Coffre.Alerts;

/// <summary>What a run says about one condition: <paramref name="Message"/> raises the incident <paramref name="Kind"/>, null resolves it.</summary>
public sealed record AlertStep(string Kind, string? Message)
{
    public bool Resolves => Message is null;
}
