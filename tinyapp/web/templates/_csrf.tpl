<input type="hidden" name="csrf_token" value="{{csrf_token}}">
