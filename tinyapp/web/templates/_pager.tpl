% # Keyset pagination: "Next" carries the cursor of the last row; "First" starts over.
% if next_link or cursor:
<nav class="pager" aria-label="Pages">
  % if cursor:
  <a class="button button-quiet" href="{{first_link}}">First page</a>
  % end
  % if next_link:
  <a class="button button-quiet" href="{{next_link}}" rel="next">Next page</a>
  % end
</nav>
% end
