package settings

import "strconv"

// Memo returns what build derives from the portal's configuration, computing it once
// per settings revision (build runs again on the first request after any change).
//
// The revision moves with every setting written, and also with every write to the
// tables a page's frame is built from (invoice groups, helpdesk departments: see the
// revision triggers in the migrations), so a memoised value is never older than the
// request that reads it, in this process or in another one sharing the database.
// Errors are not memoised. key names the value: the module's name, a colon, a name
// ("sms:enabled"; a dotted key would read as a translation key).
//
// Through a brand's view (Store.Brand) the value is the brand's own: build reads the
// view, so the key is kept apart per brand.
func Memo[T any](s *Store, key string, build func() (T, error)) (T, error) {
	sn := s.snap()
	if s.brand != 0 {
		key = "brand" + strconv.FormatInt(s.brand, 10) + "|" + key
	}
	if v, ok := sn.memo.Load(key); ok {
		return v.(T), nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	sn.memo.Store(key, v)
	return v, nil
}
