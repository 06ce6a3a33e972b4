using System.Collections;
using System.Diagnostics;

namespace OneClick.Tests.Web.Features.Telemetry;

/// <summary>The in-memory exporter's collection: written from the threads that end spans, read by the test.</summary>
public sealed class ExportedSpanCollection : ICollection<Activity>
{
    private readonly List<Activity> items = [];
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (gate)
        {
            items.Add(item);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            items.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (gate)
        {
            return items.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (gate)
        {
            items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (gate)
        {
            return items.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (gate)
        {
            return items.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
