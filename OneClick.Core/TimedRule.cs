using System.Linq.Expressions;

namespace OneClick.Core;

/// <summary>
/// A rule that depends on the time, written once: compiled for one entity in memory, and bound to a
/// time for the queries that ask it in SQL, so that the two cannot drift apart. The bound time is read
/// from an object, as a closure's would be, so that EF Core sends it as a parameter and translates the
/// query once, not once per instant.
/// </summary>
internal sealed class TimedRule<T>(Expression<Func<T, DateTime, bool>> rule)
{
    private readonly Func<T, DateTime, bool> compiled = rule.Compile();

    public bool Holds(T entity, DateTime now) => compiled(entity, now);

    public Expression<Func<T, bool>> At(DateTime now)
    {
        var time = Expression.Property(Expression.Constant(new Instant(now)), nameof(Instant.Now));
        return Expression.Lambda<Func<T, bool>>(new Substitution(rule.Parameters[1], time).Visit(rule.Body), rule.Parameters[0]);
    }

    private sealed class Instant(DateTime now)
    {
        public DateTime Now { get; } = now;
    }

    private sealed class Substitution(ParameterExpression parameter, Expression value) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? value : node;
    }
}
