namespace Coffre.Model;

/// <summary>One extended attribute of a node; stored in JSON as <c>{"name":..,"value":"&lt;base64&gt;"}</c>.</summary>
public sealed record ExtendedAttribute(string Name, byte[] Value);
